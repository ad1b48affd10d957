// parse_fail_rule and describe(InjectedFailure): the rule text of
// syscall_fail.h, one clear line for each way it can be wrong.
#include <seccomp.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fixtures/errno_name.h"
#include "injectors/syscall_fail.h"

namespace sigipc::inject {

namespace {

// Largest errno the kernel passes back from a syscall (MAX_ERRNO).
constexpr int kMaxErrno = 4095;

[[noreturn]] void bad(const std::string& text, const std::string& what) {
  // One line even for a rule holding a newline (fuzz/corpus/fail_rule_fuzz).
  std::string msg = "bad rule '" + text + "': " + what;
  for (char& c : msg)
    if (c == '\n' || c == '\r') c = ' ';
  throw RuleError(msg);
}

bool parse_u64(const std::string& s, std::uint64_t* out) {
  if (s.empty() || s[0] == '-' || s[0] == '+' || std::isspace(static_cast<unsigned char>(s[0])))
    return false;
  errno = 0;
  char* end = nullptr;
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  unsigned long long v = std::strtoull(s.c_str(), &end, hex ? 16 : 10);
  if (errno != 0 || !end || *end) return false;
  *out = v;
  return true;
}

const char* errno_text(int e) {
  if (const char* n = errno_name(e)) return n;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)  // strerrorname_np: glibc 2.32
  return strerrorname_np(e);
#else
  return nullptr;
#endif
}

int parse_errno(const std::string& text, const std::string& s) {
  std::uint64_t v = 0;
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    if (!parse_u64(s, &v) || v == 0 || v > kMaxErrno)
      bad(text, "errno " + s + " is not a number from 1 to " + std::to_string(kMaxErrno));
    return static_cast<int>(v);
  }
  // Aliases that name the same number as another errno.
  if (s == "EWOULDBLOCK") return EWOULDBLOCK;
  if (s == "EDEADLOCK") return EDEADLOCK;
  if (s == "ENOTSUP") return ENOTSUP;
  for (int e = 1; e <= kMaxErrno; ++e) {
    const char* n = errno_text(e);
    if (n && s == n) return e;
  }
  bad(text, "unknown errno '" + s + "' (a name such as EAGAIN, or a number)");
}

ArgFilter parse_arg(const std::string& text, const std::string& a) {
  ArgFilter f;
  if (a.size() < 2 || a[0] != 'a' || !std::isdigit(static_cast<unsigned char>(a[1])))
    bad(text, "argument filter '" + a + "' must look like a0==3 (aI OP V, I from 0 to 5)");
  std::size_t i = 1;
  while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) ++i;
  std::uint64_t idx = 0;
  parse_u64(a.substr(1, i - 1), &idx);
  if (idx > 5) bad(text, "argument index " + a.substr(1, i - 1) + " in '" + a + "' is above 5");
  f.index = static_cast<unsigned>(idx);
  static const struct {
    const char* op;
    ArgFilter::Op value;
  } kOps[] = {{"==", ArgFilter::Op::kEq},       {"!=", ArgFilter::Op::kNe},
              {"<=", ArgFilter::Op::kLe},       {">=", ArgFilter::Op::kGe},
              {"&=", ArgFilter::Op::kMaskedEq}, {"<", ArgFilter::Op::kLt},
              {">", ArgFilter::Op::kGt}};
  std::string rest;
  bool found = false;
  for (const auto& o : kOps) {
    if (a.compare(i, std::strlen(o.op), o.op) == 0) {
      f.op = o.value;
      rest = a.substr(i + std::strlen(o.op));
      found = true;
      break;
    }
  }
  if (!found) bad(text, "argument filter '" + a + "' has no operator (one of == != < <= > >= &=)");
  if (f.op == ArgFilter::Op::kMaskedEq) {
    std::size_t colon = rest.find(':');
    if (colon == std::string::npos || !parse_u64(rest.substr(0, colon), &f.mask) ||
        !parse_u64(rest.substr(colon + 1), &f.value))
      bad(text, "argument filter '" + a + "' must be aI&=MASK:VALUE (decimal or 0x hex)");
  } else if (!parse_u64(rest, &f.value)) {
    bad(text, "argument filter '" + a + "' has no value (decimal or 0x hex)");
  }
  return f;
}

}  // namespace

FailRule parse_fail_rule(const std::string& text) {
  FailRule r;
  r.text = text;
  std::size_t i = 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
    ++i;
  r.name = text.substr(0, i);
  if (r.name.empty()) bad(text, "expected NAME[(aI OP V,...)]=ERRNO[@N|@N+|@*N|%P]");
  if (i < text.size() && text[i] == '(') {
    std::size_t close = text.find(')', i);
    if (close == std::string::npos) bad(text, "argument filter list has no closing ')'");
    std::string list = text.substr(i + 1, close - i - 1);
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = list.find(',', start);
      std::string one =
          list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      r.args.push_back(parse_arg(text, one));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    i = close + 1;
  }
  if (i >= text.size() || text[i] != '=')
    bad(text, "expected '=ERRNO' after '" + text.substr(0, i) + "'");
  ++i;
  std::size_t e = i;
  while (e < text.size() && std::isalnum(static_cast<unsigned char>(text[e]))) ++e;
  if (e == i) bad(text, "no errno after '='");
  r.error = parse_errno(text, text.substr(i, e - i));

  const std::string when = text.substr(e);
  std::uint64_t n = 0;
  if (when.empty()) {
    r.when = When::kAlways;
  } else if (when[0] == '%') {
    const std::string p = when.substr(1);
    char* end = nullptr;
    double v = p.empty() ? 0 : std::strtod(p.c_str(), &end);
    if (p.empty() || !end || *end || !(v > 0.0 && v <= 1.0))
      bad(text, "probability '" + p + "' must be a number in (0, 1]");
    r.when = When::kProbability;
    r.probability = v;
  } else if (when[0] == '@') {
    std::string num = when.substr(1);
    r.when = When::kNth;
    if (!num.empty() && num[0] == '*') {
      r.when = When::kEveryNth;
      num = num.substr(1);
    } else if (!num.empty() && num.back() == '+') {
      r.when = When::kFromNth;
      num.pop_back();
    }
    if (!parse_u64(num, &n) || num.find_first_not_of("0123456789") != std::string::npos)
      bad(text, "'" + when + "' must be @N, @N+ or @*N with N a positive whole number");
    if (n == 0) bad(text, "call numbers start at 1 ('" + when + "' has N = 0)");
    r.n = n;
  } else {
    bad(text, "unexpected '" + when + "' after the errno (expected @N, @N+, @*N or %P)");
  }

  try {
    r.syscalls = resolve_name(r.name);
  } catch (const RuleError& err) {
    bad(text, err.what());
  }
  return r;
}

std::string describe(const InjectedFailure& f) {
  const char* en = errno_text(f.error);
  return "inject: " + f.syscall + " call " + std::to_string(f.call) + " tid " +
         std::to_string(f.tid) + " -> " + (en ? en : std::to_string(f.error)) + " (rule " + f.rule +
         ")";
}

}  // namespace sigipc::inject
