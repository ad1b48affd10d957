// Closing every descriptor but a few in a child forked from a threaded
// process (the signal injector's sender): async-signal-safe, no allocation.
#pragma once

namespace sigipc::inject {

// Closes every descriptor above 2 except those in keep (sorted ascending).
void close_all_but(const int* keep, int count);

}  // namespace sigipc::inject
