#include "bench/channels.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <semaphore.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"

namespace sigipc::bench {

namespace {

void write_all(int fd, const void* data, std::size_t len, const char* what) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    refused_if_failed(n, what);
    p += n;
    len -= static_cast<std::size_t>(n);
  }
}

void read_all(int fd, void* data, std::size_t len, const char* what) {
  char* p = static_cast<char*>(data);
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    refused_if_failed(n, what);
    if (n == 0) throw Refused(std::string(what) + ": end of file (the peer is gone)");
    p += n;
    len -= static_cast<std::size_t>(n);
  }
}

// A byte stream each way: pipes or FIFOs; each side reads what it is sent
// until the message is whole (a pipe read may return part of a message
// above PIPE_BUF).
class StreamDuplex : public Duplex {
 public:
  ~StreamDuplex() override {
    for (int fd : {rd_[0], rd_[1], wr_[0], wr_[1]})
      if (fd >= 0) close(fd);
  }
  void send(int dir, const void* d, std::size_t n) override { write_all(wr_[dir], d, n, "write"); }
  void recv(int dir, void* d, std::size_t n) override { read_all(rd_[dir], d, n, "read"); }

 protected:
  int rd_[2] = {-1, -1}, wr_[2] = {-1, -1};
};

class PipeDuplex : public StreamDuplex {
 public:
  PipeDuplex() {
    for (int dir = 0; dir < 2; ++dir) {
      int fds[2];
      refused_if_failed(pipe(fds), "pipe");
      rd_[dir] = fds[0];
      wr_[dir] = fds[1];
    }
  }
};

class FifoDuplex : public StreamDuplex {
 public:
  FifoDuplex() {
    for (int dir = 0; dir < 2; ++dir) {
      refused_if_failed(mkfifo(paths_[dir].c_str(), 0600), "mkfifo");
      // A read end opened O_NONBLOCK does not wait for a writer, and the
      // write end then finds a reader (XSH open, O_NONBLOCK on a FIFO);
      // reads block again afterwards.
      rd_[dir] = refused_if_failed(open(paths_[dir].c_str(), O_RDONLY | O_NONBLOCK), "open(FIFO)");
      wr_[dir] = refused_if_failed(open(paths_[dir].c_str(), O_WRONLY), "open(FIFO)");
      refused_if_failed(fcntl(rd_[dir], F_SETFL, 0), "fcntl(F_SETFL)");
    }
  }

 private:
  TempPath paths_[2] = {TempPath("fifo-ab"), TempPath("fifo-ba")};
};

class PosixMqDuplex : public Duplex {
 public:
  explicit PosixMqDuplex(std::size_t max_size)
      : buf_{std::vector<char>(max_size), std::vector<char>(max_size)} {
    const long msg_max = read_proc_number("/proc/sys/fs/mqueue/msg_max").value_or(10);
    const long size_max = read_proc_number("/proc/sys/fs/mqueue/msgsize_max").value_or(8192);
    if (static_cast<long>(max_size) > size_max)
      throw Refused("a " + std::to_string(max_size) + "-byte message is above mq_msgsize's limit " +
                    std::to_string(size_max) + " (/proc/sys/fs/mqueue/msgsize_max)");
    mq_attr attr{};
    attr.mq_maxmsg = std::min(10L, msg_max);
    attr.mq_msgsize = static_cast<long>(max_size);
    for (int dir = 0; dir < 2; ++dir) {
      mqd_t q = mq_open(names_[dir].c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
      refused_if_failed(q == static_cast<mqd_t>(-1) ? -1 : 0, "mq_open");
      q_[dir].reset(q);
    }
  }
  void send(int dir, const void* d, std::size_t n) override {
    while (mq_send(q_[dir].get(), static_cast<const char*>(d), n, 0) < 0)
      if (errno != EINTR) refused_if_failed(-1, "mq_send");
  }
  void recv(int dir, void* d, std::size_t n) override {
    ssize_t got;
    std::vector<char>& buf = buf_[dir];
    while ((got = mq_receive(q_[dir].get(), buf.data(), buf.size(), nullptr)) < 0)
      if (errno != EINTR) refused_if_failed(-1, "mq_receive");
    std::memcpy(d, buf.data(), std::min(n, static_cast<std::size_t>(got)));
  }

 private:
  MqName names_[2] = {MqName("bench-ab"), MqName("bench-ba")};
  MqHandle q_[2];
  std::vector<char> buf_[2];  // one a direction: its receiver's
};

class SysvMsgDuplex : public Duplex {
 public:
  explicit SysvMsgDuplex(std::size_t max_size)
      : id_(SysvId::kMsg, refused_if_failed(msgget(IPC_PRIVATE, IPC_CREAT | 0600), "msgget")),
        send_buf_{std::vector<char>(sizeof(long) + max_size),
                  std::vector<char>(sizeof(long) + max_size)},
        recv_buf_(send_buf_[0].size()),
        recv_buf2_(send_buf_[0].size()) {
    const auto msgmax = read_proc_number("/proc/sys/kernel/msgmax");
    if (msgmax && static_cast<long long>(max_size) > *msgmax)
      throw Refused("a " + std::to_string(max_size) + "-byte message is above msgmax " +
                    std::to_string(*msgmax) + " (/proc/sys/kernel/msgmax)");
  }
  // Message type dir + 1 tells the two directions apart on one queue.
  void send(int dir, const void* d, std::size_t n) override {
    char* buf = send_buf_[dir].data();
    long type = dir + 1;
    std::memcpy(buf, &type, sizeof type);
    std::memcpy(buf + sizeof type, d, n);
    while (msgsnd(id_.get(), buf, n, 0) < 0)
      if (errno != EINTR) refused_if_failed(-1, "msgsnd");
  }
  void recv(int dir, void* d, std::size_t n) override {
    std::vector<char>& buf = dir == 0 ? recv_buf_ : recv_buf2_;
    ssize_t got;
    while ((got = msgrcv(id_.get(), buf.data(), buf.size() - sizeof(long), dir + 1, 0)) < 0)
      if (errno != EINTR) refused_if_failed(-1, "msgrcv");
    std::memcpy(d, buf.data() + sizeof(long), std::min(n, static_cast<std::size_t>(got)));
  }

 private:
  SysvId id_;
  // A buffer for each direction's sender and receiver: in the thread
  // topology both sides use this one object at once.
  std::vector<char> send_buf_[2];
  std::vector<char> recv_buf_, recv_buf2_;
};

void sem_wait_retrying(sem_t* s) {
  while (sem_wait(s) < 0)
    if (errno != EINTR) refused_if_failed(-1, "sem_wait");
}

class PosixSemDuplex : public Duplex {
 public:
  PosixSemDuplex() : map_(Mapping::shared_anonymous(2 * sizeof(sem_t))) {
    for (int dir = 0; dir < 2; ++dir)
      refused_if_failed(sem_init(sem(dir), 1, 0), "sem_init(pshared)");
  }
  ~PosixSemDuplex() override {
    for (int dir = 0; dir < 2; ++dir) sem_destroy(sem(dir));
  }
  void send(int dir, const void*, std::size_t) override {
    refused_if_failed(sem_post(sem(dir)), "sem_post");
  }
  void recv(int dir, void*, std::size_t) override { sem_wait_retrying(sem(dir)); }

 private:
  sem_t* sem(int dir) { return map_.as<sem_t>() + dir; }
  Mapping map_;
};

class SysvSemDuplex : public Duplex {
 public:
  SysvSemDuplex()
      : id_(SysvId::kSem, refused_if_failed(semget(IPC_PRIVATE, 2, IPC_CREAT | 0600), "semget")) {}
  void send(int dir, const void*, std::size_t) override { op(dir, 1); }
  void recv(int dir, void*, std::size_t) override { op(dir, -1); }

 private:
  void op(int dir, short delta) {
    sembuf b{static_cast<unsigned short>(dir), delta, 0};
    while (semop(id_.get(), &b, 1) < 0)
      if (errno != EINTR) refused_if_failed(-1, "semop");
  }
  SysvId id_;
};

class EventfdDuplex : public Duplex {
 public:
  EventfdDuplex() {
    for (int dir = 0; dir < 2; ++dir) fd_[dir] = refused_if_failed(eventfd(0, 0), "eventfd");
  }
  ~EventfdDuplex() override {
    for (int fd : fd_) close(fd);
  }
  void send(int dir, const void*, std::size_t) override {
    const std::uint64_t one = 1;
    write_all(fd_[dir], &one, sizeof one, "write(eventfd)");
  }
  void recv(int dir, void*, std::size_t) override {
    std::uint64_t v;
    read_all(fd_[dir], &v, sizeof v, "read(eventfd)");
  }

 private:
  int fd_[2] = {-1, -1};
};

// A counter a direction in shared memory: the sender bumps it and wakes,
// the receiver sleeps in FUTEX_WAIT while it still holds the last value it
// consumed (futex(2): the kernel compares the word before sleeping, so a
// wake between the check and the sleep is not lost).
class ShmFutexDuplex : public Duplex {
 public:
  ShmFutexDuplex() : map_(Mapping::shared_anonymous(2 * sizeof(Word))) {
    for (int dir = 0; dir < 2; ++dir) new (word(dir)) Word{0};
    long rc = syscall(SYS_futex, word(0), FUTEX_WAKE, 1, nullptr, nullptr, 0);
    refused_if_failed(rc, "futex(FUTEX_WAKE)");
  }
  void send(int dir, const void*, std::size_t) override {
    word(dir)->fetch_add(1, std::memory_order_release);
    syscall(SYS_futex, word(dir), FUTEX_WAKE, 1, nullptr, nullptr, 0);
  }
  void recv(int dir, void*, std::size_t) override {
    const std::uint32_t seen = seen_[dir];
    while (word(dir)->load(std::memory_order_acquire) == seen) {
      long rc = syscall(SYS_futex, word(dir), FUTEX_WAIT, seen, nullptr, nullptr, 0);
      if (rc < 0 && errno != EAGAIN && errno != EINTR) refused_if_failed(-1, "futex(FUTEX_WAIT)");
    }
    seen_[dir] = seen + 1;
  }

 private:
  using Word = std::atomic<std::uint32_t>;
  static_assert(sizeof(Word) == 4, "a futex word is 32 bits");
  Word* word(int dir) { return map_.as<Word>() + dir; }
  Mapping map_;
  // Only the receiving side of a direction touches its count.
  std::uint32_t seen_[2] = {0, 0};
};

// Messages copied through a ring of slots in shared memory, handed over with
// two POSIX semaphores a direction (free slots, filled slots). The ring
// holds 64 KiB of messages (at least 4), as a Linux pipe does by default,
// so a sender runs ahead of its receiver as far as through a pipe.
class ShmRingDuplex : public Duplex {
 public:
  explicit ShmRingDuplex(std::size_t max_size)
      : slot_(max_size),
        slots_(std::max<std::size_t>(4, 65536 / std::max<std::size_t>(max_size, 1))),
        // Each direction's header on a 64-byte boundary (sem_t's alignment).
        stride_((sizeof(Header) + slots_ * slot_ + 63) / 64 * 64),
        map_(Mapping::shared_anonymous(2 * stride_)) {
    for (int dir = 0; dir < 2; ++dir) {
      refused_if_failed(sem_init(&header(dir)->free, 1, static_cast<unsigned>(slots_)),
                        "sem_init(pshared)");
      refused_if_failed(sem_init(&header(dir)->filled, 1, 0), "sem_init(pshared)");
    }
  }
  ~ShmRingDuplex() override {
    for (int dir = 0; dir < 2; ++dir) {
      sem_destroy(&header(dir)->free);
      sem_destroy(&header(dir)->filled);
    }
  }
  void send(int dir, const void* d, std::size_t n) override {
    sem_wait_retrying(&header(dir)->free);
    std::memcpy(slot(dir, next_send_[dir]++ % slots_), d, n);
    refused_if_failed(sem_post(&header(dir)->filled), "sem_post");
  }
  void recv(int dir, void* d, std::size_t n) override {
    sem_wait_retrying(&header(dir)->filled);
    std::memcpy(d, slot(dir, next_recv_[dir]++ % slots_), n);
    refused_if_failed(sem_post(&header(dir)->free), "sem_post");
  }

 private:
  struct Header {
    sem_t free, filled;
  };
  Header* header(int dir) { return reinterpret_cast<Header*>(map_.as<char>() + dir * stride_); }
  char* slot(int dir, std::size_t i) {
    return reinterpret_cast<char*>(header(dir) + 1) + i * slot_;
  }
  std::size_t slot_, slots_, stride_;
  Mapping map_;
  // Each index is used by one side only.
  std::size_t next_send_[2] = {0, 0}, next_recv_[2] = {0, 0};
};

}  // namespace

const std::vector<ChannelKind>& channel_kinds() {
  static const std::vector<ChannelKind> kinds = {
      {"pipe", true, [](Topology, std::size_t) { return std::make_unique<PipeDuplex>(); }},
      {"fifo", true, [](Topology, std::size_t) { return std::make_unique<FifoDuplex>(); }},
      {"posix-mq", true,
       [](Topology, std::size_t n) { return std::make_unique<PosixMqDuplex>(n); }},
      {"sysv-msg", true,
       [](Topology, std::size_t n) { return std::make_unique<SysvMsgDuplex>(n); }},
      {"posix-sem", false,
       [](Topology, std::size_t) { return std::make_unique<PosixSemDuplex>(); }},
      {"sysv-sem", false, [](Topology, std::size_t) { return std::make_unique<SysvSemDuplex>(); }},
      {"eventfd", false, [](Topology, std::size_t) { return std::make_unique<EventfdDuplex>(); }},
      {"shm-futex", false,
       [](Topology, std::size_t) { return std::make_unique<ShmFutexDuplex>(); }},
      {"shm-sem", true, [](Topology, std::size_t n) { return std::make_unique<ShmRingDuplex>(n); }},
  };
  return kinds;
}

const ChannelKind& channel_kind(const std::string& mechanism) {
  for (const auto& k : channel_kinds())
    if (k.mechanism == mechanism) return k;
  throw std::logic_error("no channel kind " + mechanism);
}

}  // namespace sigipc::bench
