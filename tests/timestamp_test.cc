// The timestamp fixture itself (fixtures/timestamp.h): the window's bounds,
// the wait for a stamp that must change, and both forms of the check.
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "fixtures/result_channel.h"
#include "fixtures/timestamp.h"

namespace sigipc {
namespace {

TEST(StampWindow, HoldsTheStampingClockAndOneSecondBelowNothingOlderNorLater) {
  StampWindow w;
  const time_t now = stamp_clock_now();
  EXPECT_TRUE(w.holds(now));
  EXPECT_TRUE(w.holds(w.lowest()));
  EXPECT_LE(w.lowest(), now - kStampAllowanceS);
  EXPECT_FALSE(w.holds(w.lowest() - 1)) << "a stale stamp";
  EXPECT_FALSE(w.holds(0)) << "a stamp never set";
  EXPECT_FALSE(w.holds(StampWindow::highest() + 2)) << "a stamp from the future";
}

TEST(StampWindow, AfterHoldsOnlyStampsNewerThanThePreviousOne) {
  const time_t previous = stamp_clock_now();
  StampWindow w = StampWindow::after(previous);
  EXPECT_FALSE(w.holds(previous)) << "an unchanged stamp";
  EXPECT_TRUE(w.holds(previous + 1));
  EXPECT_TRUE(w.holds(stamp_clock_now()));
  EXPECT_LE(stamp_clock_now(), previous + 2) << "waited longer than needed";
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  EXPECT_TRUE(now.tv_sec > previous + 1 || now.tv_nsec >= kStampLagNs)
      << "returned before the lag allowance past the next second";
}

TEST(StampWindow, GtestFormNamesTheStampAndTheWindow) {
  StampWindow w;
  auto r = StampIsCurrent("w", "ds.msg_stime", w, 0);
  ASSERT_FALSE(r);
  std::string m = r.message();
  EXPECT_NE(m.find("ds.msg_stime = 0 is not the current time: outside ["), std::string::npos) << m;
  EXPECT_NE(m.find("never set"), std::string::npos) << m;
  EXPECT_TRUE(StampIsCurrent("w", "s", w, stamp_clock_now()));
}

// Runs the child form in a forked child; returns its exit code and what it
// wrote (without a result channel, check records go to stderr).
int child_check(time_t stamp, std::string* said) {
  int p[2];
  if (pipe(p) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], STDERR_FILENO);
    StampWindow w;
    CHILD_CHECK_STAMP_CURRENT(w, stamp);
    _exit(0);
  }
  close(p[1]);
  char buf[512];
  for (ssize_t n; (n = read(p[0], buf, sizeof buf)) > 0;) said->append(buf, n);
  close(p[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(StampWindow, ChildFormFailsTheChildOnAStaleStampOnly) {
  std::string said;
  EXPECT_EQ(child_check(stamp_clock_now() - kStampAllowanceS - 5, &said), kChildCheckFailedExit);
  EXPECT_NE(said.find("check failed: stamp ("), std::string::npos) << said;
  EXPECT_NE(said.find("is not the current time"), std::string::npos) << said;
  said.clear();
  EXPECT_EQ(child_check(stamp_clock_now(), &said), 0) << said;
}

}  // namespace
}  // namespace sigipc
