// What report.html and matrix.html share: the style sheet (status colours,
// badges, bars, tables) so both pages look like one product.
#pragma once

namespace sigipc {

// CSS text for an inline <style> element.
const char* report_css();

}  // namespace sigipc
