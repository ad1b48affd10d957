// Who may signal whom: an unprivileged sender needs its real or effective
// user ID to match the receiver's real or saved set-user-ID; SIGCONT is
// exempt within a session. XSH kill().
#include <signal.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::WitnessOk;

struct Ids {
  uid_t real, effective, saved;
};

// Three unprivileged uids; none needs an entry in the user database.
constexpr uid_t kA = 65534, kB = 65533, kC = 65532;

// A root-forked target that takes `ids`, blocks sig and, once `done` opens,
// checks whether sig is pending; a sender with `sender` ids then sends sig.
// `new_session`: the target first leaves the sender's session.
void ExpectSend(const char* what, int sig, Ids sender, Ids target_ids, bool allowed,
                bool new_session = false) {
  Gate ready, done;
  Child target([&] {
    if (new_session) CHILD_CHECK_OK(setsid());
    signals::child_set_uids(target_ids.real, target_ids.effective, target_ids.saved);
    signals::child_block(sig);
    ready.open();
    done.wait();
    CHILD_CHECK_EQ(signals::child_pending(sig), allowed ? 1 : 0);
  });
  ready.wait();
  pid_t pid = target.pid();
  Child sending([=] {
    signals::child_set_uids(sender.real, sender.effective, sender.saved);
    if (allowed)
      CHILD_CHECK_OK(kill(pid, sig));
    else
      CHILD_CHECK_ERRNO(kill(pid, sig), EPERM);
  });
  EXPECT_TRUE(WitnessOk(sending, "the sender")) << what;
  done.open();
  EXPECT_TRUE(WitnessOk(target, "the target")) << what;
}

SIGIPC_TEST(SignalSend, UnprivilegedSenderMatchingRealOrSavedUidMaySignal,
            "signal.send.permission-uid-match", "XSH kill()",
            "An unprivileged process may signal a process whose real or saved set-user-ID equals "
            "the sender's real or effective user ID") {
  SIGIPC_REQUIRE_USER_SWITCH();
  struct Case {
    const char* what;
    Ids sender, target;
  };
  const Case cases[] = {
      {"sender real uid == target real uid", {kA, kC, kC}, {kA, kB, kB}},
      {"sender effective uid == target real uid", {kC, kA, kA}, {kA, kB, kB}},
      {"sender real uid == target saved set-user-ID", {kA, kC, kC}, {kB, kB, kA}},
      {"sender effective uid == target saved set-user-ID", {kC, kA, kA}, {kB, kB, kA}},
  };
  for (const Case& c : cases) ExpectSend(c.what, SIGUSR1, c.sender, c.target, true);
}

SIGIPC_TEST(SignalSend, ReceiversEffectiveUidGrantsNoPermission, "signal.send.permission-denied",
            "XSH kill()",
            "An unprivileged process may not signal a process whose real and saved set-user-IDs "
            "both differ from its real and effective user IDs, even if the receiver's effective "
            "user ID matches") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ExpectSend("only the target's effective uid matches", SIGUSR1, {kA, kA, kA}, {kB, kA, kB}, false);
  ExpectSend("no uid in common", SIGUSR1, {kA, kA, kA}, {kB, kB, kB}, false);
}

SIGIPC_TEST(SignalSend, SigcontMayBeSentToAnyProcessOfTheSession,
            "signal.send.sigcont-same-session", "XSH kill()",
            "The user ID checks do not apply to SIGCONT sent to a process in the sender's "
            "session") {
  SIGIPC_REQUIRE_USER_SWITCH();
  // The target keeps uid 0: without the exemption the send would be refused.
  ExpectSend("unprivileged sender, root target in the same session", SIGCONT, {kA, kA, kA},
             {0, 0, 0}, true);
}

SIGIPC_TEST(SignalSend, SigcontToAnotherSessionNeedsPermission, "signal.send.sigcont-other-session",
            "XSH kill()",
            "SIGCONT to a process in another session is subject to the user ID checks: EPERM "
            "without permission") {
  SIGIPC_REQUIRE_USER_SWITCH();
  ExpectSend("unprivileged sender, root target in another session", SIGCONT, {kA, kA, kA},
             {0, 0, 0}, false, true);
}

}  // namespace
}  // namespace sigipc
