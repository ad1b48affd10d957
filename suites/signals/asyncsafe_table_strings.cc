// Rows of the async-signal-safety table (asyncsafe_table.h) for the memory,
// string and wide-string functions, ffs() and the byte-order macros: each op
// works on its own stack buffers and checks the result XSH specifies.
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "suites/signals/asyncsafe_table.h"

namespace sigipc {
namespace {

bool eq(const char* a, const char* b) { return strcmp(a, b) == 0; }
bool weq(const wchar_t* a, const wchar_t* b) { return wcscmp(a, b) == 0; }

SIGIPC_ASYNCSAFE_ROW(Ffs, ffs, "signal.asyncsafe.table.ffs",
                     [](int) { return ffs(0) == 0 && ffs(1) == 1 && ffs(0x50) == 5; })
SIGIPC_ASYNCSAFE_ROW(Htonl, htonl, "signal.asyncsafe.table.htonl", [](int) {
  const uint32_t n = htonl(0x01020304u);
  const unsigned char* b = reinterpret_cast<const unsigned char*>(&n);
  return b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 4;
})
SIGIPC_ASYNCSAFE_ROW(Htons, htons, "signal.asyncsafe.table.htons", [](int) {
  const uint16_t n = htons(0x0102u);
  const unsigned char* b = reinterpret_cast<const unsigned char*>(&n);
  return b[0] == 1 && b[1] == 2;
})
SIGIPC_ASYNCSAFE_ROW(Ntohl, ntohl, "signal.asyncsafe.table.ntohl", [](int) {
  const unsigned char b[4] = {1, 2, 3, 4};
  uint32_t n;
  memcpy(&n, b, 4);
  return ntohl(n) == 0x01020304u;
})
SIGIPC_ASYNCSAFE_ROW(Ntohs, ntohs, "signal.asyncsafe.table.ntohs", [](int) {
  const unsigned char b[2] = {1, 2};
  uint16_t n;
  memcpy(&n, b, 2);
  return ntohs(n) == 0x0102u;
})
SIGIPC_ASYNCSAFE_ROW(Memccpy, memccpy, "signal.asyncsafe.table.memccpy", [](int) {
  char d[16] = {0};
  void* r = memccpy(d, "abc:def", ':', sizeof "abc:def");
  return r == d + 4 && memcmp(d, "abc:", 4) == 0 && d[4] == 0;
})
SIGIPC_ASYNCSAFE_ROW(Memchr, memchr, "signal.asyncsafe.table.memchr", [](int) {
  static const char s[] = "signal safety";
  return memchr(s, 'a', sizeof s) == s + 4 && memchr(s, 'z', sizeof s) == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Memcmp, memcmp, "signal.asyncsafe.table.memcmp", [](int) {
  return memcmp("abcd", "abce", 4) < 0 && memcmp("abcd", "abcd", 4) == 0 &&
         memcmp("\xff", "\x01", 1) > 0;
})
SIGIPC_ASYNCSAFE_ROW(Memcpy, memcpy, "signal.asyncsafe.table.memcpy", [](int) {
  char d[64];
  char s[64];
  for (int i = 0; i < 64; ++i) s[i] = static_cast<char>(i * 7);
  return memcpy(d, s, 64) == d && memcmp(d, s, 64) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Memmove, memmove, "signal.asyncsafe.table.memmove", [](int) {
  char b[] = "0123456789";
  return memmove(b + 2, b, 6) == b + 2 && eq(b, "0101234589");
})
SIGIPC_ASYNCSAFE_ROW(Memset, memset, "signal.asyncsafe.table.memset", [](int) {
  char b[40];
  b[39] = 1;
  memset(b, 'x', 39);
  for (int i = 0; i < 39; ++i)
    if (b[i] != 'x') return false;
  return b[39] == 1;
})
SIGIPC_ASYNCSAFE_ROW(Stpcpy, stpcpy, "signal.asyncsafe.table.stpcpy", [](int) {
  char d[16];
  return stpcpy(d, "handler") == d + 7 && eq(d, "handler");
})
SIGIPC_ASYNCSAFE_ROW(Stpncpy, stpncpy, "signal.asyncsafe.table.stpncpy", [](int) {
  char d[8] = "zzzzzzz";
  return stpncpy(d, "ab", 4) == d + 2 && d[0] == 'a' && d[1] == 'b' && d[2] == 0 && d[3] == 0 &&
         d[4] == 'z';
})
SIGIPC_ASYNCSAFE_ROW(Strcat, strcat, "signal.asyncsafe.table.strcat", [](int) {
  char d[16] = "sig";
  return strcat(d, "nal") == d && eq(d, "signal");
})
SIGIPC_ASYNCSAFE_ROW(Strchr, strchr, "signal.asyncsafe.table.strchr", [](int) {
  static const char s[] = "handler";
  return strchr(s, 'd') == s + 3 && strchr(s, 0) == s + 7 && strchr(s, 'q') == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Strcmp, strcmp, "signal.asyncsafe.table.strcmp", [](int) {
  return strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("same", "same") == 0;
})
SIGIPC_ASYNCSAFE_ROW(Strcpy, strcpy, "signal.asyncsafe.table.strcpy", [](int) {
  char d[16];
  return strcpy(d, "copied") == d && eq(d, "copied");
})
SIGIPC_ASYNCSAFE_ROW(Strcspn, strcspn, "signal.asyncsafe.table.strcspn",
                     [](int) { return strcspn("abc,def", ",;") == 3 && strcspn("abc", "") == 3; })
SIGIPC_ASYNCSAFE_ROW(Strlen, strlen, "signal.asyncsafe.table.strlen",
                     [](int) { return strlen("") == 0 && strlen("0123456789abcdef") == 16; })
// Copying part of the source is the behaviour under test.
#pragma GCC diagnostic ignored "-Wstringop-truncation"
SIGIPC_ASYNCSAFE_ROW(Strncat, strncat, "signal.asyncsafe.table.strncat", [](int) {
  char d[16] = "ab";
  return strncat(d, "cdef", 2) == d && eq(d, "abcd");
})
SIGIPC_ASYNCSAFE_ROW(Strncmp, strncmp, "signal.asyncsafe.table.strncmp", [](int) {
  return strncmp("abcX", "abcY", 3) == 0 && strncmp("abcX", "abcY", 4) < 0;
})
SIGIPC_ASYNCSAFE_ROW(Strncpy, strncpy, "signal.asyncsafe.table.strncpy", [](int) {
  char d[6] = "zzzzz";
  return strncpy(d, "ab", 4) == d && eq(d, "ab") && d[3] == 0 && d[4] == 'z';
})
SIGIPC_ASYNCSAFE_ROW(Strnlen, strnlen, "signal.asyncsafe.table.strnlen",
                     [](int) { return strnlen("abcdef", 4) == 4 && strnlen("ab", 4) == 2; })
SIGIPC_ASYNCSAFE_ROW(Strpbrk, strpbrk, "signal.asyncsafe.table.strpbrk", [](int) {
  static const char s[] = "key=value";
  return strpbrk(s, "=:") == s + 3 && strpbrk(s, "!") == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Strrchr, strrchr, "signal.asyncsafe.table.strrchr", [](int) {
  static const char s[] = "a/b/c";
  return strrchr(s, '/') == s + 3 && strrchr(s, 'x') == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Strspn, strspn, "signal.asyncsafe.table.strspn",
                     [](int) { return strspn("aabbc", "ab") == 4 && strspn("x", "ab") == 0; })
SIGIPC_ASYNCSAFE_ROW(Strstr, strstr, "signal.asyncsafe.table.strstr", [](int) {
  static const char s[] = "async-signal-safe";
  return strstr(s, "signal") == s + 6 && strstr(s, "") == s && strstr(s, "unsafe") == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(StrtokR, strtok_r, "signal.asyncsafe.table.strtok_r", [](int) {
  char b[] = "a,bb,,ccc";
  char* save = nullptr;
  char* t1 = strtok_r(b, ",", &save);
  char* t2 = strtok_r(nullptr, ",", &save);
  char* t3 = strtok_r(nullptr, ",", &save);
  return t1 && eq(t1, "a") && t2 && eq(t2, "bb") && t3 && eq(t3, "ccc") &&
         strtok_r(nullptr, ",", &save) == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wcpcpy, wcpcpy, "signal.asyncsafe.table.wcpcpy", [](int) {
  wchar_t d[8];
  return wcpcpy(d, L"wide") == d + 4 && weq(d, L"wide");
})
SIGIPC_ASYNCSAFE_ROW(Wcpncpy, wcpncpy, "signal.asyncsafe.table.wcpncpy", [](int) {
  wchar_t d[6] = L"zzzzz";
  return wcpncpy(d, L"ab", 4) == d + 2 && d[2] == 0 && d[3] == 0 && d[4] == L'z';
})
SIGIPC_ASYNCSAFE_ROW(Wcscat, wcscat, "signal.asyncsafe.table.wcscat", [](int) {
  wchar_t d[16] = L"sig";
  return wcscat(d, L"nal") == d && weq(d, L"signal");
})
SIGIPC_ASYNCSAFE_ROW(Wcschr, wcschr, "signal.asyncsafe.table.wcschr", [](int) {
  static const wchar_t s[] = L"handler";
  return wcschr(s, L'd') == s + 3 && wcschr(s, L'q') == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wcscmp, wcscmp, "signal.asyncsafe.table.wcscmp", [](int) {
  return wcscmp(L"abc", L"abd") < 0 && wcscmp(L"b", L"a") > 0 && wcscmp(L"x", L"x") == 0;
})
SIGIPC_ASYNCSAFE_ROW(Wcscpy, wcscpy, "signal.asyncsafe.table.wcscpy", [](int) {
  wchar_t d[16];
  return wcscpy(d, L"copied") == d && weq(d, L"copied");
})
SIGIPC_ASYNCSAFE_ROW(Wcscspn, wcscspn, "signal.asyncsafe.table.wcscspn",
                     [](int) { return wcscspn(L"abc,def", L",;") == 3; })
SIGIPC_ASYNCSAFE_ROW(Wcslen, wcslen, "signal.asyncsafe.table.wcslen",
                     [](int) { return wcslen(L"") == 0 && wcslen(L"0123456789") == 10; })
SIGIPC_ASYNCSAFE_ROW(Wcsncat, wcsncat, "signal.asyncsafe.table.wcsncat", [](int) {
  wchar_t d[16] = L"ab";
  return wcsncat(d, L"cdef", 2) == d && weq(d, L"abcd");
})
SIGIPC_ASYNCSAFE_ROW(Wcsncmp, wcsncmp, "signal.asyncsafe.table.wcsncmp", [](int) {
  return wcsncmp(L"abcX", L"abcY", 3) == 0 && wcsncmp(L"abcX", L"abcY", 4) < 0;
})
SIGIPC_ASYNCSAFE_ROW(Wcsncpy, wcsncpy, "signal.asyncsafe.table.wcsncpy", [](int) {
  wchar_t d[6] = L"zzzzz";
  return wcsncpy(d, L"ab", 4) == d && weq(d, L"ab") && d[3] == 0 && d[4] == L'z';
})
SIGIPC_ASYNCSAFE_ROW(Wcsnlen, wcsnlen, "signal.asyncsafe.table.wcsnlen",
                     [](int) { return wcsnlen(L"abcdef", 4) == 4 && wcsnlen(L"ab", 4) == 2; })
SIGIPC_ASYNCSAFE_ROW(Wcspbrk, wcspbrk, "signal.asyncsafe.table.wcspbrk", [](int) {
  static const wchar_t s[] = L"key=value";
  return wcspbrk(s, L"=:") == s + 3 && wcspbrk(s, L"!") == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wcsrchr, wcsrchr, "signal.asyncsafe.table.wcsrchr", [](int) {
  static const wchar_t s[] = L"a/b/c";
  return wcsrchr(s, L'/') == s + 3 && wcsrchr(s, L'x') == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wcsspn, wcsspn, "signal.asyncsafe.table.wcsspn",
                     [](int) { return wcsspn(L"aabbc", L"ab") == 4; })
SIGIPC_ASYNCSAFE_ROW(Wcsstr, wcsstr, "signal.asyncsafe.table.wcsstr", [](int) {
  static const wchar_t s[] = L"async-signal-safe";
  return wcsstr(s, L"signal") == s + 6 && wcsstr(s, L"unsafe") == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wcstok, wcstok, "signal.asyncsafe.table.wcstok", [](int) {
  wchar_t b[] = L"a,bb,,ccc";
  wchar_t* save = nullptr;
  wchar_t* t1 = wcstok(b, L",", &save);
  wchar_t* t2 = wcstok(nullptr, L",", &save);
  wchar_t* t3 = wcstok(nullptr, L",", &save);
  return t1 && weq(t1, L"a") && t2 && weq(t2, L"bb") && t3 && weq(t3, L"ccc") &&
         wcstok(nullptr, L",", &save) == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wmemchr, wmemchr, "signal.asyncsafe.table.wmemchr", [](int) {
  static const wchar_t s[] = L"signal";
  return wmemchr(s, L'n', 6) == s + 3 && wmemchr(s, L'z', 6) == nullptr;
})
SIGIPC_ASYNCSAFE_ROW(Wmemcmp, wmemcmp, "signal.asyncsafe.table.wmemcmp", [](int) {
  return wmemcmp(L"abcd", L"abce", 4) < 0 && wmemcmp(L"abcd", L"abcd", 4) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Wmemcpy, wmemcpy, "signal.asyncsafe.table.wmemcpy", [](int) {
  wchar_t d[8];
  return wmemcpy(d, L"wchar_t", 8) == d && weq(d, L"wchar_t");
})
SIGIPC_ASYNCSAFE_ROW(Wmemmove, wmemmove, "signal.asyncsafe.table.wmemmove", [](int) {
  wchar_t b[] = L"0123456789";
  return wmemmove(b + 2, b, 6) == b + 2 && weq(b, L"0101234589");
})
SIGIPC_ASYNCSAFE_ROW(Wmemset, wmemset, "signal.asyncsafe.table.wmemset", [](int) {
  wchar_t b[9];
  b[8] = 1;
  wmemset(b, L'x', 8);
  for (int i = 0; i < 8; ++i)
    if (b[i] != L'x') return false;
  return b[8] == 1;
})

}  // namespace
}  // namespace sigipc
