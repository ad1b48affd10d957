// Whole-record transfers over pipes and sockets: what a program writes when a
// signal may interrupt a blocking read or write at any point.
#pragma once

#include <cstddef>

namespace record_io {

// Writes all len bytes, retrying after EINTR and continuing after a partial
// write. Returns false with errno set on any other error.
bool write_all(int fd, const void* buf, std::size_t len);

// Reads exactly len bytes, with the same retries. Returns false with errno set
// on an error, or with errno 0 at end of file before len bytes.
bool read_all(int fd, void* buf, std::size_t len);

}  // namespace record_io
