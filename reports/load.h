// Reading a saved run back (sigipc report, sigipc diff, the matrix): every
// problem with the input is an InputError whose what() is one line,
// "FILE:LINE: reason" (LINE where the text goes wrong, 0 when the file
// cannot be opened), so the commands exit 2 with it.
#pragma once

#include <stdexcept>
#include <string>

#include "reports/result_model.h"

namespace sigipc {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

RunRecord load_results_file(const std::string& path);
// name is what the error messages call the text (a path, or "<fuzz>").
RunRecord load_results_text(const std::string& text, const std::string& name);

}  // namespace sigipc
