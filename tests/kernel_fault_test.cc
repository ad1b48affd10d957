// The fail-nth driver, the knobs and the kernel-log parser of
// injectors/kernel_fault.h, on stand-ins: a plain file plays
// /proc/thread-self/fail-nth (the test writes what the kernel would leave
// in it), a temporary folder plays debugfs.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "injectors/kernel_fault.h"

namespace sigipc::kfault {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sigipc-kfault-XXXXXX";
    path_ = mkdtemp(tmpl) ? tmpl : "";
  }
  ~TempDir() {
    if (!path_.empty()) (void)!system(("rm -rf '" + path_ + "'").c_str());
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& rel, const std::string& content) const {
    const std::string p = path_ + "/" + rel;
    const std::size_t slash = p.rfind('/');
    (void)!system(("mkdir -p '" + p.substr(0, slash) + "'").c_str());
    std::ofstream(p) << content;
    return p;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(path_ + "/" + rel);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string path_;
};

TEST(KfaultFailNth, ArmWritesTheNumber) {
  TempDir d;
  const std::string p = d.file("fail-nth", "0\n");
  FailNth nth(p.c_str());
  ASSERT_TRUE(nth.ok());
  ASSERT_TRUE(nth.arm(17));
  EXPECT_EQ(d.read("fail-nth"), "17\n");
}

TEST(KfaultFailNth, ZeroReadBackMeansTheFaultFired) {
  TempDir d;
  const std::string p = d.file("fail-nth", "0\n");
  FailNth nth(p.c_str());
  ASSERT_TRUE(nth.arm(3));
  d.file("fail-nth", "0\n");  // the kernel counted 3 fault points down to 0
  EXPECT_EQ(nth.fired(), 1);
}

TEST(KfaultFailNth, LeftoverCountMeansNotFiredAndIsDisarmed) {
  TempDir d;
  const std::string p = d.file("fail-nth", "0\n");
  FailNth nth(p.c_str());
  ASSERT_TRUE(nth.arm(12));
  d.file("fail-nth", "9\n");  // the call reached 3 fault points of 12
  EXPECT_EQ(nth.fired(), 0);
  EXPECT_EQ(std::stoul(d.read("fail-nth")), 0u) << "the rest of N must be disarmed";
}

TEST(KfaultFailNth, UnreadableValueIsAnError) {
  TempDir d;
  const std::string p = d.file("fail-nth", "");
  FailNth nth(p.c_str());
  EXPECT_EQ(nth.fired(), -1);
}

TEST(KfaultFailNth, MissingFileIsReported) {
  FailNth nth("/nonexistent/fail-nth");
  EXPECT_FALSE(nth.ok());
  EXPECT_EQ(nth.open_errno(), ENOENT);
}

TEST(KfaultAvailable, NamesWhatIsMissing) {
  TempDir d;
  std::string why;
  EXPECT_FALSE(available(&why, d.path() + "/fail-nth", d.path()));
  EXPECT_NE(why.find("CONFIG_FAULT_INJECTION"), std::string::npos) << why;
  const std::string nth = d.file("fail-nth", "0\n");
  EXPECT_FALSE(available(&why, nth, d.path()));
  EXPECT_NE(why.find("failslab"), std::string::npos) << why;
  d.file("failslab/verbose", "0\n");
  EXPECT_TRUE(available(&why, nth, d.path())) << why;
}

void fake_attr(const TempDir& d, const std::string& attr) {
  d.file(attr + "/ignore-gfp-wait", "Y\n");
  d.file(attr + "/verbose", "0\n");
  d.file(attr + "/verbose_ratelimit_interval_ms", "5000\n");
}

TEST(KfaultKnobs, ConfigureSetsAndRestoreUndoes) {
  TempDir d;
  fake_attr(d, "failslab");
  fake_attr(d, "fail_page_alloc");
  {
    FaultKnobs k(d.path());
    k.configure_for_fail_nth(2);
    for (const char* a : {"failslab", "fail_page_alloc"}) {
      EXPECT_EQ(k.read(std::string(a) + "/ignore-gfp-wait"), "N") << a;
      EXPECT_EQ(k.read(std::string(a) + "/verbose"), "2") << a;
      EXPECT_EQ(k.read(std::string(a) + "/verbose_ratelimit_interval_ms"), "0") << a;
    }
  }
  for (const char* a : {"failslab", "fail_page_alloc"}) {
    EXPECT_EQ(d.read(std::string(a) + "/ignore-gfp-wait"), "Y") << a;
    EXPECT_EQ(d.read(std::string(a) + "/verbose"), "0") << a;
    EXPECT_EQ(d.read(std::string(a) + "/verbose_ratelimit_interval_ms"), "5000") << a;
  }
}

TEST(KfaultKnobs, FailPageAllocIsOptional) {
  TempDir d;
  fake_attr(d, "failslab");
  FaultKnobs k(d.path());
  EXPECT_NO_THROW(k.configure_for_fail_nth(1));
  EXPECT_EQ(k.read("failslab/verbose"), "1");
}

TEST(KfaultKnobs, MissingKnobThrowsNamingIt) {
  TempDir d;
  d.file("failslab/verbose", "0\n");
  FaultKnobs k(d.path());
  try {
    k.configure_for_fail_nth(2);
    FAIL() << "no error for a missing ignore-gfp-wait";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("failslab/ignore-gfp-wait"), std::string::npos)
        << e.what();
  }
}

TEST(KfaultKnobs, NoDebugfsThrows) { EXPECT_THROW(FaultKnobs("/nonexistent"), Error); }

TEST(KfaultKmsg, RecordTextIsDecoded) {
  EXPECT_EQ(kmsg_text("5,812,9911,-;FAULT_INJECTION: forcing a failure.\\x0aname failslab\n"),
            "FAULT_INJECTION: forcing a failure.\nname failslab");
  EXPECT_EQ(kmsg_text("4,813,9912,c; load_msg+0x2c/0x120\n SUBSYSTEM=x\n"), " load_msg+0x2c/0x120");
}

// Two forced failures as 6.1 logs them with verbose 2, of pids 300 and 301.
const char kLog[] =
    "FAULT_INJECTION: forcing a failure.\n"
    "name failslab, interval 1, probability 0, space 0, times 1\n"
    "CPU: 1 PID: 300 Comm: sigipc Not tainted 6.1.0 #1\n"
    "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)\n"
    "Call Trace:\n"
    " <TASK>\n"
    " dump_stack_lvl+0x44/0x5c\n"
    " should_fail_ex.cold+0x5/0xa\n"
    " should_failslab+0x5/0x10\n"
    " __kmem_cache_alloc_node+0x4c/0x2f0\n"
    " ? load_msg+0x2c/0x120\n"
    " __kmalloc+0x3f/0x90\n"
    " load_msg+0x2c/0x120\n"
    " do_msgsnd+0x6a/0x3a0\n"
    " do_syscall_64+0x58/0x80\n"
    " entry_SYSCALL_64_after_hwframe+0x63/0xcd\n"
    " </TASK>\n"
    "FAULT_INJECTION: forcing a failure.\n"
    "name failslab, interval 1, probability 0, space 0, times 1\n"
    "CPU: 0 PID: 301 Comm: kfmsgget@2 Not tainted 6.1.0 #1\n"
    "Call Trace:\n"
    " <TASK>\n"
    " dump_stack_lvl+0x44/0x5c\n"
    " should_fail_ex.cold+0x5/0xa\n"
    " kmem_cache_alloc+0x3a/0x2e0\n"
    " newque.isra.0+0x20/0x180\n"
    " ipcget+0x1c0/0x2a0\n"
    " </TASK>\n";

TEST(KfaultKmsg, SiteIsTheFirstCallersBelowTheAllocator) {
  EXPECT_EQ(fault_sites(kLog, 300), std::vector<std::string>{"load_msg<do_msgsnd"});
  EXPECT_EQ(fault_sites(kLog, 301), std::vector<std::string>{"newque<ipcget"});
  EXPECT_TRUE(fault_sites(kLog, 302).empty());
  EXPECT_EQ(fault_sites(kLog, std::string("kfmsgget@2")),
            std::vector<std::string>{"newque<ipcget"});
  EXPECT_TRUE(fault_sites(kLog, std::string("kfmsgget@1")).empty());
}

}  // namespace
}  // namespace sigipc::kfault
