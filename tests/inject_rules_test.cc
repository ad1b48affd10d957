// The rule syntax of injectors/syscall_fail.h and name resolution: what each
// form parses to, and one clear line for each way a rule can be wrong.
#include <seccomp.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "injectors/syscall_fail.h"

using sigipc::inject::ArgFilter;
using sigipc::inject::FailRule;
using sigipc::inject::parse_fail_rule;
using sigipc::inject::resolve_name;
using sigipc::inject::RuleError;
using sigipc::inject::When;

namespace {

bool contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(InjectRule, EveryCallRuleWithErrnoName) {
  FailRule r = parse_fail_rule("openat=ENOENT");
  EXPECT_EQ(r.text, "openat=ENOENT");
  EXPECT_EQ(r.name, "openat");
  EXPECT_EQ(r.syscalls, std::vector<int>{SYS_openat});
  EXPECT_EQ(r.error, ENOENT);
  EXPECT_EQ(r.when, When::kAlways);
  EXPECT_TRUE(r.args.empty());
}

TEST(InjectRule, ErrnoByNumberAndAlias) {
  EXPECT_EQ(parse_fail_rule("getppid=11").error, 11);
  EXPECT_EQ(parse_fail_rule("getppid=EWOULDBLOCK").error, EAGAIN);
  EXPECT_EQ(parse_fail_rule("getppid=ENOTSUP").error, EOPNOTSUPP);
  // Names beyond the fixtures' short list come from the libc.
  EXPECT_EQ(parse_fail_rule("getppid=ECONNRESET").error, ECONNRESET);
}

TEST(InjectRule, WhenForms) {
  FailRule nth = parse_fail_rule("mq_send=EAGAIN@3");
  EXPECT_EQ(nth.when, When::kNth);
  EXPECT_EQ(nth.n, 3u);
  FailRule from = parse_fail_rule("getppid=EPERM@4+");
  EXPECT_EQ(from.when, When::kFromNth);
  EXPECT_EQ(from.n, 4u);
  FailRule every = parse_fail_rule("getppid=EPERM@*10");
  EXPECT_EQ(every.when, When::kEveryNth);
  EXPECT_EQ(every.n, 10u);
  FailRule prob = parse_fail_rule("getppid=EPERM%0.25");
  EXPECT_EQ(prob.when, When::kProbability);
  EXPECT_DOUBLE_EQ(prob.probability, 0.25);
  EXPECT_EQ(parse_fail_rule("getppid=EPERM%1").probability, 1.0);
}

TEST(InjectRule, ArgumentFilters) {
  FailRule r = parse_fail_rule("read(a0==3,a2>=0x10,a1&=0xff:0x7,a5!=1)=EIO@2");
  ASSERT_EQ(r.args.size(), 4u);
  EXPECT_EQ(r.args[0].index, 0u);
  EXPECT_EQ(r.args[0].op, ArgFilter::Op::kEq);
  EXPECT_EQ(r.args[0].value, 3u);
  EXPECT_EQ(r.args[1].index, 2u);
  EXPECT_EQ(r.args[1].op, ArgFilter::Op::kGe);
  EXPECT_EQ(r.args[1].value, 16u);
  EXPECT_EQ(r.args[2].op, ArgFilter::Op::kMaskedEq);
  EXPECT_EQ(r.args[2].mask, 0xffu);
  EXPECT_EQ(r.args[2].value, 7u);
  EXPECT_EQ(r.args[3].op, ArgFilter::Op::kNe);
  EXPECT_EQ(r.when, When::kNth);
  EXPECT_EQ(parse_fail_rule("read(a0<5)=EIO").args[0].op, ArgFilter::Op::kLt);
  EXPECT_EQ(parse_fail_rule("read(a0<=5)=EIO").args[0].op, ArgFilter::Op::kLe);
  EXPECT_EQ(parse_fail_rule("read(a0>5)=EIO").args[0].op, ArgFilter::Op::kGt);
}

struct BadRule {
  const char* text;
  const char* reason_part;
};

class InjectRuleRejects : public ::testing::TestWithParam<BadRule> {};

TEST_P(InjectRuleRejects, WithOneLineNamingTheProblem) {
  try {
    parse_fail_rule(GetParam().text);
    FAIL() << "accepted " << GetParam().text;
  } catch (const RuleError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find(GetParam().text), std::string::npos) << what;
    EXPECT_NE(what.find(GetParam().reason_part), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    InjectRule, InjectRuleRejects,
    ::testing::Values(
        BadRule{"frobnicate=EPERM", "unknown syscall or libc function 'frobnicate'"},
        BadRule{"getppid=EBOGUS", "unknown errno 'EBOGUS'"}, BadRule{"getppid=0", "errno 0"},
        BadRule{"getppid=5000", "errno 5000"}, BadRule{"getppid=EPERM@0", "N = 0"},
        BadRule{"getppid=EPERM@*0", "N = 0"}, BadRule{"getppid=EPERM@0+", "N = 0"},
        BadRule{"getppid=EPERM@x", "@N"}, BadRule{"getppid=EPERM@-2", "@N"},
        BadRule{"getppid=EPERM%0", "(0, 1]"}, BadRule{"getppid=EPERM%1.01", "(0, 1]"},
        BadRule{"getppid=EPERM%-0.5", "(0, 1]"}, BadRule{"getppid=EPERM%abc", "(0, 1]"},
        BadRule{"read(a6==1)=EIO", "argument index 6"},
        BadRule{"read(x0==1)=EIO", "argument filter 'x0==1'"},
        BadRule{"read(a0=1)=EIO", "no operator"}, BadRule{"read(a0==)=EIO", "no value"},
        BadRule{"read(a0&=0xff)=EIO", "MASK:VALUE"}, BadRule{"read(a0==1=EIO", "closing ')'"},
        BadRule{"getppid", "'=ERRNO'"}, BadRule{"getppid=", "no errno"},
        BadRule{"=EPERM", "expected NAME"}, BadRule{"getppid=EPERM#3", "unexpected '#3'"}),
    [](const auto& info) { return "Case" + std::to_string(info.index); });

// The syscalls glibc 2.36 really makes on x86_64 (checked with strace -f;
// see injectors/syscall_names.cc).
TEST(InjectNames, LibcFunctionsMapToTheSyscallsGlibcMakes) {
  EXPECT_EQ(resolve_name("mq_send"), std::vector<int>{SYS_mq_timedsend});
  EXPECT_EQ(resolve_name("mq_receive"), std::vector<int>{SYS_mq_timedreceive});
  EXPECT_EQ(resolve_name("sem_wait"), std::vector<int>{SYS_futex});
  EXPECT_EQ(resolve_name("semop"), std::vector<int>{SYS_semtimedop});
  EXPECT_EQ(resolve_name("pipe"), std::vector<int>{SYS_pipe2});
  EXPECT_EQ(resolve_name("open"), std::vector<int>{SYS_openat});
  EXPECT_EQ(resolve_name("shm_open"), std::vector<int>{SYS_openat});
  EXPECT_EQ(resolve_name("shm_unlink"), std::vector<int>{SYS_unlink});
  EXPECT_EQ(resolve_name("mkfifo"), std::vector<int>{SYS_mknodat});
  EXPECT_EQ(resolve_name("sigaction"), std::vector<int>{SYS_rt_sigaction});
  EXPECT_EQ(resolve_name("sigprocmask"), std::vector<int>{SYS_rt_sigprocmask});
  EXPECT_EQ(resolve_name("sigwait"), std::vector<int>{SYS_rt_sigtimedwait});
  EXPECT_EQ(resolve_name("sigqueue"), std::vector<int>{SYS_rt_sigqueueinfo});
  EXPECT_EQ(resolve_name("sigsuspend"), std::vector<int>{SYS_rt_sigsuspend});
  EXPECT_EQ(resolve_name("raise"), std::vector<int>{SYS_tgkill});
  EXPECT_EQ(resolve_name("select"), std::vector<int>{SYS_pselect6});
  std::vector<int> fork = resolve_name("fork");
  EXPECT_TRUE(contains(fork, SYS_clone));
  EXPECT_TRUE(contains(fork, SYS_clone3));
  EXPECT_EQ(resolve_name("pthread_create"), std::vector<int>{SYS_clone3});
}

// SYS_NAME is the system call even where a libc function has the same name.
TEST(InjectNames, SysPrefixNamesTheSystemCallItself) {
  EXPECT_EQ(resolve_name("SYS_pipe"), std::vector<int>{SYS_pipe});
  EXPECT_EQ(resolve_name("SYS_open"), std::vector<int>{SYS_open});
  EXPECT_EQ(resolve_name("SYS_semop"), std::vector<int>{SYS_semop});
  EXPECT_THROW(resolve_name("SYS_no_such_call"), sigipc::inject::RuleError);
  EXPECT_THROW(resolve_name("SYS_"), sigipc::inject::RuleError);
}

TEST(InjectNames, SyscallNamesResolveThroughLibseccomp) {
  EXPECT_EQ(resolve_name("getppid"), std::vector<int>{SYS_getppid});
  EXPECT_EQ(resolve_name("mq_timedsend"), std::vector<int>{SYS_mq_timedsend});
  EXPECT_EQ(resolve_name("msgrcv"), std::vector<int>{SYS_msgrcv});
}

TEST(InjectNames, SyscallsOfOtherArchitecturesAreUnknownHere) {
  // libseccomp knows these from 32-bit ABIs and answers a negative
  // pseudo-number on x86_64; a filter on them could never match.
  EXPECT_THROW(resolve_name("socketcall"), RuleError);
  EXPECT_THROW(resolve_name("ipc"), RuleError);
  EXPECT_THROW(resolve_name(""), RuleError);
}

TEST(InjectDescribe, NamesSyscallCallTidErrnoAndRule) {
  sigipc::inject::InjectedFailure f;
  f.rule = "mq_send=EAGAIN@3";
  f.syscall = "mq_timedsend";
  f.call = 3;
  f.tid = 1234;
  f.error = EAGAIN;
  EXPECT_EQ(describe(f), "inject: mq_timedsend call 3 tid 1234 -> EAGAIN (rule mq_send=EAGAIN@3)");
}

}  // namespace
