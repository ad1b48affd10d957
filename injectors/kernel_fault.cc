// The fail-nth driver, the fault-injection knobs and the kernel-log reader of
// kernel_fault.h.
#include "injectors/kernel_fault.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>

namespace sigipc::kfault {

namespace {

bool readable_dir(const std::string& path) { return access(path.c_str(), R_OK | X_OK) == 0; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

std::string read_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::string out;
  char buf[256];
  for (;;) {
    const ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  close(fd);
  return out;
}

void write_file(const std::string& path, const std::string& value) {
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
  const ssize_t w = write(fd, value.data(), value.size());
  const int e = errno;
  close(fd);
  if (w != static_cast<ssize_t>(value.size()))
    throw Error("cannot write '" + value + "' to " + path + ": " +
                (w < 0 ? std::strerror(e) : "short write"));
}

// Formats n in decimal into buf (at least 12 bytes); returns the length.
std::size_t format_uint(unsigned n, char* buf) {
  char tmp[12];
  std::size_t len = 0;
  do {
    tmp[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  for (std::size_t i = 0; i < len; ++i) buf[i] = tmp[len - 1 - i];
  return len;
}

// Frames that belong to the fault injection or the allocator, above the
// caller that asked for memory.
bool allocator_frame(const std::string& fn) {
  static const char* const kPrefixes[] = {
      "dump_stack",        "should_fail",    "__should_fail",    "fail_dump",
      "prepare_alloc_pa",  "__alloc_pages",  "alloc_pages",      "__get_free_pages",
      "get_zeroed_page",   "slab_pre_alloc", "kmem_cache_alloc", "__kmem_cache_alloc",
      "kmalloc",           "__kmalloc",      "kvmalloc",         "__kvmalloc",
      "kmem_cache_zalloc", "kzalloc",        "kmemdup",          "alloc_slab",
      "new_slab",          "___slab_alloc",  "__slab_alloc",     "slab_alloc"};
  for (const char* p : kPrefixes)
    if (fn.compare(0, std::strlen(p), p) == 0) return true;
  return false;
}

// "load_msg+0x2c/0x120" -> "load_msg"; "" for a line that is no frame and
// for an unreliable one ("? foo+0x1/0x2").
std::string frame_function(const std::string& line) {
  const std::string t = trim(line);
  if (t.empty() || t[0] == '?' || t[0] == '<') return "";
  const std::size_t plus = t.find("+0x");
  if (plus == std::string::npos || plus == 0 || t.find(' ') < plus) return "";
  std::string fn = t.substr(0, plus);
  const std::size_t dot = fn.find('.');  // .cold, .isra.0, .constprop.0
  return dot == std::string::npos ? fn : fn.substr(0, dot);
}

// pid of a dump_stack header "CPU: 1 PID: 123 Comm: x ...", else -1.
long header_pid(const std::string& line) {
  const std::size_t p = line.find("PID: ");
  if (line.find("CPU: ") == std::string::npos || p == std::string::npos) return -1;
  return std::strtol(line.c_str() + p + 5, nullptr, 10);
}

}  // namespace

bool available(std::string* why, const std::string& fail_nth, const std::string& debugfs) {
  if (access(fail_nth.c_str(), F_OK) != 0) {
    *why = fail_nth + " is absent: this kernel was built without CONFIG_FAULT_INJECTION";
    return false;
  }
  if (access(fail_nth.c_str(), R_OK | W_OK) != 0) {
    *why = "cannot open " + fail_nth + " for writing: " + std::strerror(errno);
    return false;
  }
  if (!readable_dir(debugfs + "/failslab")) {
    *why = debugfs +
           "/failslab is absent (no CONFIG_FAILSLAB and "
           "CONFIG_FAULT_INJECTION_DEBUG_FS, or debugfs not mounted there)";
    return false;
  }
  return true;
}

FailNth::FailNth(const char* path) noexcept {
  fd_ = open(path, O_RDWR | O_CLOEXEC);
  if (fd_ < 0) open_errno_ = errno;
}

FailNth::~FailNth() {
  if (fd_ >= 0) {
    disarm();
    close(fd_);
  }
}

// A newline ends each number, as echo writes it: the kernel accepts it, and
// a plain file standing in for fail-nth then reads back as what was last
// written.
bool FailNth::arm(unsigned n) noexcept {
  char buf[16];
  std::size_t len = format_uint(n, buf);
  buf[len++] = '\n';
  return pwrite(fd_, buf, len, 0) == static_cast<ssize_t>(len);
}

bool FailNth::disarm() noexcept { return pwrite(fd_, "0\n", 2, 0) == 2; }

long FailNth::read_value() noexcept {
  char buf[24];
  const ssize_t r = pread(fd_, buf, sizeof buf - 1, 0);
  if (r <= 0 || buf[0] < '0' || buf[0] > '9') return -1;
  buf[r] = '\0';
  return std::strtol(buf, nullptr, 10);
}

int FailNth::fired() noexcept {
  const long left = read_value();
  if (left < 0) return -1;
  if (left == 0) return 1;
  disarm();
  return 0;
}

FaultKnobs::FaultKnobs(std::string debugfs) : dir_(std::move(debugfs)) {
  const std::string lock = dir_ + "/failslab";
  lock_fd_ = open(lock.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ < 0) throw Error("cannot open " + lock + ": " + std::strerror(errno));
  while (flock(lock_fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int e = errno;
      close(lock_fd_);
      throw Error("cannot lock " + lock + ": " + std::strerror(e));
    }
  }
}

FaultKnobs::~FaultKnobs() {
  restore();
  close(lock_fd_);  // releases the lock
}

std::string FaultKnobs::read(const std::string& knob) const {
  return trim(read_file(dir_ + "/" + knob));
}

void FaultKnobs::set(const std::string& knob, const std::string& value) {
  const std::string old = read(knob);
  bool seen = false;
  for (const auto& s : saved_) seen = seen || s.first == knob;
  if (!seen) saved_.emplace_back(knob, old);
  write_file(dir_ + "/" + knob, value);
  const std::string now = read(knob);
  if (now != value)
    throw Error(dir_ + "/" + knob + " reads '" + now + "' after writing '" + value + "'");
}

void FaultKnobs::configure_for_fail_nth(int verbose) {
  for (const char* attr : {"failslab", "fail_page_alloc"}) {
    const std::string a(attr);
    if (a != "failslab" && !readable_dir(dir_ + "/" + a)) continue;
    set(a + "/ignore-gfp-wait", "N");
    set(a + "/verbose", std::to_string(verbose));
    // 0: no rate limit, so every forced failure names its site.
    set(a + "/verbose_ratelimit_interval_ms", "0");
  }
}

void FaultKnobs::restore() noexcept {
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
    try {
      write_file(dir_ + "/" + it->first, it->second);
    } catch (const Error&) {
      // Best effort: nothing else can put it back.
    }
  }
  saved_.clear();
}

std::string kmsg_text(const std::string& record) {
  const std::size_t semi = record.find(';');
  std::string t = semi == std::string::npos ? record : record.substr(semi + 1);
  const std::size_t nl = t.find('\n');  // continuation lines " KEY=value"
  if (nl != std::string::npos) t.resize(nl);
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 3 < t.size() && t[i + 1] == 'x') {
      out += static_cast<char>(std::strtol(t.substr(i + 2, 2).c_str(), nullptr, 16));
      i += 3;
    } else {
      out += t[i];
    }
  }
  return out;
}

namespace {

// The dump_stack header's "Comm: NAME " field, or "".
std::string header_comm(const std::string& line) {
  const std::size_t c = line.find("Comm: ");
  if (c == std::string::npos) return "";
  const std::size_t end = line.find(' ', c + 6);
  return line.substr(c + 6, end == std::string::npos ? std::string::npos : end - c - 6);
}

std::vector<std::string> sites_where(const std::string& text,
                                     const std::function<bool(const std::string&)>& mine) {
  std::vector<std::string> sites;
  std::istringstream in(text);
  std::string line;
  enum { kIdle, kForced, kMine } state = kIdle;
  std::vector<std::string> callers;
  auto finish = [&] {
    if (state == kMine) {
      std::string site;
      for (std::size_t i = 0; i < callers.size() && i < 2; ++i) site += (i ? "<" : "") + callers[i];
      sites.push_back(site.empty() ? "?" : site);
    }
    callers.clear();
    state = kIdle;
  };
  while (std::getline(in, line)) {
    if (line.find("FAULT_INJECTION: forcing a failure") != std::string::npos) {
      finish();
      state = kForced;
      continue;
    }
    const long hp = header_pid(line);
    if (hp >= 0) {
      if (state == kForced && mine(line))
        state = kMine;
      else if (state == kMine)
        finish();
      else
        state = kIdle;
      continue;
    }
    if (state != kMine) continue;
    if (trim(line) == "</TASK>") {
      finish();
      continue;
    }
    const std::string fn = frame_function(line);
    if (!fn.empty() && !allocator_frame(fn)) callers.push_back(fn);
  }
  finish();
  return sites;
}

}  // namespace

std::vector<std::string> fault_sites(const std::string& text, pid_t pid) {
  return sites_where(text, [pid](const std::string& h) { return header_pid(h) == pid; });
}

std::vector<std::string> fault_sites(const std::string& text, const std::string& comm) {
  return sites_where(text, [&comm](const std::string& h) { return header_comm(h) == comm; });
}

KernelLog::KernelLog(const char* path) noexcept {
  fd_ = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ >= 0)
    lseek(fd_, 0, SEEK_END);
  else
    open_errno_ = errno;
}

KernelLog::~KernelLog() {
  if (fd_ >= 0) close(fd_);
}

std::string KernelLog::read_new() {
  std::string out;
  if (fd_ < 0) return out;
  char rec[8192];
  for (;;) {
    const ssize_t r = read(fd_, rec, sizeof rec - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EPIPE) continue;  // overwritten records: go on with the next
    if (r <= 0) break;
    out += kmsg_text(std::string(rec, static_cast<std::size_t>(r))) + "\n";
  }
  return out;
}

}  // namespace sigipc::kfault
