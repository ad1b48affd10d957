// Messages of up to {msgmax} bytes: Linux keeps a message longer than a page
// in several pieces, which msgrcv() must hand back whole and in order, and
// which msgrcv(MSG_COPY) copies without removing (msgop(2)).
#include <sys/ipc.h>
#include <sys/msg.h>

#include <cstring>
#include <memory>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/probes.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

// The largest message the queue takes (msgmax, and the queue's capacity),
// at most a few pages; 0 where it does not exceed one page.
std::size_t large_size(int id) {
  auto msgmax = read_proc_number("/proc/sys/kernel/msgmax");
  if (!msgmax) return 0;
  std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(*msgmax), 3 * 4096 + 123);
  n = std::min<std::size_t>(n, sysv_msg::stat_of(id).msg_qbytes);
  return n > 4096 ? n : 0;
}

// mtype followed by n bytes of text.
struct Buffer {
  explicit Buffer(std::size_t n) : bytes(sizeof(long) + n) {}
  std::vector<char> bytes;
  long& type() { return *reinterpret_cast<long*>(bytes.data()); }
  char* text() { return bytes.data() + sizeof(long); }
};

Buffer pattern(std::size_t n, long type) {
  Buffer b(n);
  b.type() = type;
  for (std::size_t i = 0; i < n; ++i) b.text()[i] = static_cast<char>(i * 31 + i / 4096);
  return b;
}

#define REQUIRE_LARGE(n)                                                                      \
  do {                                                                                        \
    if ((n) == 0) SIGIPC_UNSUPPORTED("msgmax or the queue's msg_qbytes is one page or less"); \
  } while (0)

SIGIPC_TEST(SysvMsgLarge, MessageLongerThanAPageIsReceivedWhole,
            "sysv_msg.msgrcv.multi-page-message", "XSH msgrcv()",
            "A message longer than a page (up to msgmax) is received with its full length, its "
            "type and every byte of its text in order") {
  sysv_msg::Queue q;
  std::size_t n = large_size(q.get());
  REQUIRE_LARGE(n);
  Buffer out = pattern(n, 9);
  ASSERT_SUCCEEDS(msgsnd(q.get(), out.bytes.data(), n, IPC_NOWAIT));
  Buffer in(n);
  ASSERT_EQ(msgrcv(q.get(), in.bytes.data(), n, 0, IPC_NOWAIT), static_cast<ssize_t>(n));
  EXPECT_EQ(in.type(), 9);
  EXPECT_TRUE(std::memcmp(in.text(), out.text(), n) == 0) << "the text came back changed";
}

SIGIPC_TEST(SysvMsgLarge, MsgCopyOfMultiPageMessageIsWholeAndLeavesIt,
            "sysv_msg.linux.msg-copy-multi-page", "Linux-only, msgop(2)",
            "msgrcv(MSG_COPY|IPC_NOWAIT) of a message longer than a page copies all of it and "
            "leaves it queued, so a normal msgrcv() still receives it whole") {
  sysv_msg::Queue q;
  std::size_t n = large_size(q.get());
  REQUIRE_LARGE(n);
  REQUIRE_MSG_COPY(q.get());
  Buffer out = pattern(n, 4);
  ASSERT_SUCCEEDS(msgsnd(q.get(), out.bytes.data(), n, IPC_NOWAIT));
  Buffer copy(n);
  ASSERT_EQ(msgrcv(q.get(), copy.bytes.data(), n, 0, IPC_NOWAIT | MSG_COPY),
            static_cast<ssize_t>(n));
  EXPECT_EQ(copy.type(), 4);
  EXPECT_TRUE(std::memcmp(copy.text(), out.text(), n) == 0) << "the copy differs";
  EXPECT_EQ(sysv_msg::qnum_of(q.get()), 1u) << "MSG_COPY removed the message";
  Buffer in(n);
  ASSERT_EQ(msgrcv(q.get(), in.bytes.data(), n, 0, IPC_NOWAIT), static_cast<ssize_t>(n));
  EXPECT_TRUE(std::memcmp(in.text(), out.text(), n) == 0) << "the text came back changed";
}

}  // namespace
}  // namespace sigipc
