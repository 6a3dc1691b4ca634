#include <doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pmctl/cluster_dir.h"
#include "pmctl/file_util.h"
#include "pmctl/pidfile_read.h"
#include "common/proc_alive.h"

using namespace pmemu;
using namespace pmemu::pmctl;

namespace {

PidFileInfo parsed(std::string_view text) {
  auto r = parse_pid_file(text, "/d/postmaster.pid");
  REQUIRE(std::holds_alternative<PidFileInfo>(r));
  return std::get<PidFileInfo>(r);
}

PidFileError::Kind error_kind(std::string_view text) {
  auto r = parse_pid_file(text, "/d/postmaster.pid");
  REQUIRE(std::holds_alternative<PidFileError>(r));
  return std::get<PidFileError>(r).kind;
}

// A fresh directory under /tmp, removed at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/pmctl_test_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("a complete pid file parses field by field, padding kept") {
  auto info = parsed(
      "4242\n/var/data\n1700000000\n5433\n/tmp\nlocalhost\n  5433001     32769\nready   \n");
  CHECK(info.pid == Pid{4242});
  CHECK(info.data_dir == "/var/data");
  CHECK(info.start_time == 1700000000);
  CHECK(info.port == 5433);
  CHECK(info.socket_dir == "/tmp");
  CHECK(info.listen_address == "localhost");
  CHECK(info.shmem_key == "  5433001     32769");
  CHECK(info.status == "ready   ");
  CHECK(status_is_up(info.status));
}

TEST_CASE("a pid file written only up to line 7 has no status yet") {
  auto info = parsed("17\n/d\n1\n5432\n/tmp\n*\n 1 2\n");
  CHECK(info.pid == Pid{17});
  CHECK(info.status.empty());
  CHECK_FALSE(status_is_up(info.status));
  CHECK(parsed("17\n").data_dir.empty());
  CHECK(parsed("17").pid == Pid{17});
}

TEST_CASE("status_is_up compares the exact padded strings") {
  CHECK(status_is_up("standby "));
  CHECK_FALSE(status_is_up("ready"));
  CHECK_FALSE(status_is_up("standby"));
  CHECK_FALSE(status_is_up("starting"));
  CHECK_FALSE(status_is_up("stopping"));
}

TEST_CASE("bad pid files are told apart") {
  CHECK(error_kind("") == PidFileError::Kind::Empty);
  CHECK(error_kind("abc\n") == PidFileError::Kind::Invalid);
  CHECK(error_kind("-12\n") == PidFileError::Kind::Invalid);
  CHECK(error_kind("0\n") == PidFileError::Kind::Invalid);
  CHECK(error_kind("12x\n") == PidFileError::Kind::Invalid);
  auto r = parse_pid_file("", "/d/postmaster.pid");
  CHECK(std::get<PidFileError>(r).message == "the PID file \"/d/postmaster.pid\" is empty");
}

TEST_CASE("read_pid_file reports a missing file in pg_ctl's words, then reads a written one") {
  TempDir dir;
  auto missing = read_pid_file(dir.path);
  REQUIRE(std::holds_alternative<PidFileError>(missing));
  CHECK(std::get<PidFileError>(missing).kind == PidFileError::Kind::Missing);
  CHECK(std::get<PidFileError>(missing).message ==
        "PID file \"" + dir.path + "/postmaster.pid\" does not exist");

  std::ofstream(pid_file_path(dir.path)) << "99\n" << dir.path << "\n";
  auto ok = read_pid_file(dir.path);
  REQUIRE(std::holds_alternative<PidFileInfo>(ok));
  CHECK(std::get<PidFileInfo>(ok).pid == Pid{99});
  CHECK(std::get<PidFileInfo>(ok).data_dir == dir.path);
}

TEST_CASE("parse_proc_stat_state finds the state after the last parenthesis") {
  CHECK(parse_proc_stat_state("123 (postmaster) S 1 123 123 0") == 'S');
  CHECK(parse_proc_stat_state("123 (a) Z (b)) Z 1 2") == 'Z');
  CHECK(parse_proc_stat_state("123 (x) R") == 'R');
  CHECK_FALSE(parse_proc_stat_state("garbage").has_value());
  CHECK_FALSE(parse_proc_stat_state("1 (x)").has_value());
}

TEST_CASE("process_alive: self alive, a zombie child dead, a reaped child dead") {
  CHECK(process_alive(Pid{::getpid()}));
  CHECK_FALSE(process_alive(Pid{}));

  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  // Wait until it has exited without reaping it: it stays a zombie.
  siginfo_t info{};
  REQUIRE(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);
  CHECK(::kill(child, 0) == 0);  // kill() alone would call it alive
  CHECK_FALSE(process_alive(Pid{child}));
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  CHECK_FALSE(process_alive(Pid{child}));
}

TEST_CASE("check_cluster_dir wants an existing directory with PG_VERSION") {
  TempDir dir;
  CHECK(check_cluster_dir(dir.path + "/nope") == "directory \"" + dir.path + "/nope\" does not exist");
  CHECK(check_cluster_dir(dir.path) ==
        "directory \"" + dir.path + "\" is not a database cluster directory");
  std::ofstream(dir.path + "/PG_VERSION") << "15\n";
  CHECK_FALSE(check_cluster_dir(dir.path).has_value());
  CHECK(absolute_dir("/a/b/../c/") == "/a/c");
}

TEST_CASE("last_lines keeps the tail") {
  CHECK(last_lines("a\nb\nc\n", 2) == std::vector<std::string>{"b", "c"});
  CHECK(last_lines("a\nb", 5) == std::vector<std::string>{"a", "b"});
  CHECK(last_lines("", 3).empty());
}
