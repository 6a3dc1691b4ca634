// Password authentication with unmodified clients: a cluster inited with
// --auth scram-sha-256 (or md5, or password) and --pwfile lets psql,
// pgbench, pg_receivewal, pg_basebackup and a streaming standby in with the
// right password and refuses a wrong password and an unknown user with the
// same 28P01. Roles made with `pmctl role` and with CREATE/ALTER ROLE log
// in; NOLOGIN and missing REPLICATION are refused.
#include <doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPassword = "s3cret-Pw";

// Sets an environment variable for the test's scope; children (psql,
// pg_receivewal, pmctl start's postmaster) inherit what is set when they start.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::string_view value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, std::string(value).c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

fs::path write_file(const fs::path& path, std::string_view text, fs::perms perms = fs::perms::owner_read | fs::perms::owner_write) {
  std::ofstream(path) << text;
  fs::permissions(path, perms, fs::perm_options::replace);
  return path;
}

// pmctl init --auth METHOD --pwfile, with `settings`, then start.
void init_with_password(Cluster& c, std::string_view method, const std::vector<std::string>& settings = {}) {
  const fs::path pwfile = write_file(c.base_dir() / "pwfile", std::string(kPassword) + "\n");
  c.init(settings, {"--auth", std::string(method), "--pwfile", pwfile.string()});
  c.start();
}

std::string roles_text(Cluster& c) { return read_text(c.data_dir() / "global" / "pg_authid"); }

PgConn login(Cluster& c, std::string_view user, std::string_view password, std::string_view extra = "",
             Via via = Via::Tcp) {
  std::string ci = c.conninfo(via);
  ci = ci.substr(0, ci.find(" user=")) + " user=" + std::string(user) + " dbname=postgres password=" +
       std::string(password) + " " + std::string(extra);
  return PgConn::connect(ci);
}

// A wrong password and an unknown user: the same 28P01 (names aside); only
// the log tells them apart.
void check_failures_look_alike(Cluster& c) {
  PgConn wrong = login(c, c.user(), "not-the-password");
  REQUIRE_FALSE(wrong.connected());
  CHECK_MESSAGE(wrong.connect_sqlstate() == "28P01", wrong.connect_error());
  CHECK(contains(wrong.connect_error(), "password authentication failed for user \"" + c.user() + "\""));
  PgConn ghost = login(c, "ghost", "not-the-password");
  REQUIRE_FALSE(ghost.connected());
  CHECK_MESSAGE(ghost.connect_sqlstate() == "28P01", ghost.connect_error());
  CHECK(contains(ghost.connect_error(), "password authentication failed for user \"ghost\""));
  CHECK_FALSE(contains(ghost.connect_error(), "does not exist"));
  c.wait_for_log("Role \"ghost\" does not exist.", 5s);
  CHECK(contains(c.log(), "Connection matched pg_hba.conf line"));
}

CmdResult run_with_password(std::vector<std::string> argv, std::string_view password) {
  argv.insert(argv.begin(), {"env", "PGPASSWORD=" + std::string(password)});
  return run_command(argv, 90s);
}

std::vector<std::string> client(Cluster& c, const std::string& program, const std::string& user) {
  return {program, "-h", "127.0.0.1", "-p", std::to_string(c.port()), "-U", user};
}

// A start-up packet over the Unix socket, then silence: what the server
// sent and how long until it closed the connection (nullopt: still open
// after `limit`).
struct SilentClient {
  std::string received;
  std::optional<std::chrono::milliseconds> closed_after;
};
SilentClient start_and_fall_silent(Cluster& c, std::chrono::milliseconds limit) {
  const std::string path = (c.base_dir() / (".s.PGSQL." + std::to_string(c.port()))).string();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof addr.sun_path);
  path.copy(addr.sun_path, path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::string body = std::string("\0\3\0\0", 4) + "user" + '\0' + c.user() + '\0' + "database" + '\0' +
                     "postgres" + '\0' + '\0';
  const auto len = static_cast<std::uint32_t>(body.size() + 4);
  const std::string packet = std::string{static_cast<char>(len >> 24), static_cast<char>(len >> 16),
                                         static_cast<char>(len >> 8), static_cast<char>(len)} + body;
  REQUIRE(::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(packet.size()));
  SilentClient out;
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    if (waited >= limit) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>((limit - waited).count())) <= 0) continue;
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      out.closed_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      break;
    }
    out.received.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("020 authentication: pmctl init --auth without --pwfile is refused") {
  Cluster c;
  CmdResult r = c.pmctl({"init", "-D", c.data_dir().string(), "--auth", "scram-sha-256"});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "must specify a password for the superuser to enable password authentication"));
  CHECK_FALSE(fs::exists(c.data_dir() / "PG_VERSION"));
}

TEST_CASE("020 authentication: scram-sha-256 for psql, pgbench, pg_receivewal, pg_basebackup") {
  Cluster c;
  init_with_password(c, "scram-sha-256");
  const std::string roles = roles_text(c);
  CHECK(contains(roles, "SCRAM-SHA-256$4096:"));
  CHECK_FALSE(contains(roles, kPassword));
  struct stat st{};
  REQUIRE(::stat((c.data_dir() / "global" / "pg_authid").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // No password: libpq gives up before the server decides anything.
  PgConn none = c.connect();
  CHECK_FALSE(none.connected());
  // libpq (TCP and Unix socket) with the password.
  CHECK(login(c, c.user(), kPassword).exec("SELECT 1").get() == "1");
  CHECK(login(c, c.user(), kPassword, "", Via::UnixSocket).exec("SELECT 1").get() == "1");
  check_failures_look_alike(c);

  {
    ScopedEnv pw("PGPASSWORD", kPassword);
    CHECK(trim(c.psql("SELECT 2").out) == "2");
    CHECK(trim(c.psql("SELECT 3", Via::UnixSocket).out) == "3");
  }
  {
    // pgbench through a password file.
    const fs::path pgpass = write_file(c.base_dir() / "pgpass", "127.0.0.1:" + std::to_string(c.port()) + ":*:" +
                                                                   c.user() + ":" + std::string(kPassword) + "\n");
    const fs::path script = write_file(c.base_dir() / "bench.sql", "SELECT 1;\n");
    ScopedEnv pf("PGPASSFILE", pgpass.string());
    auto argv = client(c, "pgbench", c.user());
    argv.insert(argv.end(), {"-n", "-M", "simple", "-t", "5", "-c", "2", "-f", script.string(), "postgres"});
    const CmdResult r = run_command(argv, 60s);
    CHECK_MESSAGE(r.exit_code == 0, r.describe());
    CHECK(contains(r.out, "number of transactions actually processed: 10"));
  }
  // Replication clients: a slot made by pg_receivewal, a copy by pg_basebackup.
  auto slot = client(c, "pg_receivewal", c.user());
  slot.insert(slot.end(), {"--create-slot", "--slot=auth_slot"});
  CmdResult r = run_with_password(slot, kPassword);
  CHECK_MESSAGE(r.exit_code == 0, r.describe());
  CHECK(fs::exists(c.data_dir() / "pg_replslot" / "auth_slot" / "state"));
  auto bb = client(c, "pg_basebackup", c.user());
  bb.insert(bb.end(), {"-D", (c.base_dir() / "copy").string(), "-X", "none", "-w"});
  r = run_with_password(bb, kPassword);
  CHECK_MESSAGE(r.exit_code == 0, r.describe());
  CHECK(fs::exists(c.base_dir() / "copy" / "global" / "pg_authid"));
  r = run_with_password(bb, "wrong");
  CHECK(r.exit_code != 0);
  CHECK(contains(r.err, "password authentication failed for user \"" + c.user() + "\""));
}

TEST_CASE("020 authentication: pmctl role create/alter/drop; NOLOGIN and walsenders without REPLICATION") {
  Cluster c;
  init_with_password(c, "scram-sha-256");
  const fs::path alice_pw = write_file(c.base_dir() / "alice_pw", "alice-pw\nignored second line\n");
  CmdResult r = c.pmctl({"role", "-D", c.data_dir().string(), "create", "alice", "--password-file", alice_pw.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  CHECK_FALSE(contains(roles_text(c), "alice-pw"));
  struct stat st{};
  REQUIRE(::stat((c.data_dir() / "global" / "pg_authid").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  r = c.pmctl({"role", "-D", c.data_dir().string(), "create", "alice"});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "role \"alice\" already exists"));

  // Counts for the next login, no reload needed.
  CHECK(login(c, "alice", "alice-pw").exec("SELECT 1").get() == "1");
  // No REPLICATION: a walsender is refused after authentication.
  PgConn repl = login(c, "alice", "alice-pw", "replication=true");
  REQUIRE_FALSE(repl.connected());
  CHECK_MESSAGE(repl.connect_sqlstate() == "42501", repl.connect_error());
  CHECK(contains(repl.connect_error(), "must be superuser or replication role to start walsender"));
  auto receivewal = client(c, "pg_receivewal", "alice");
  receivewal.insert(receivewal.end(), {"--create-slot", "--slot=alice_slot"});
  r = run_with_password(receivewal, "alice-pw");
  CHECK(r.exit_code != 0);
  CHECK(contains(r.err, "must be superuser or replication role to start walsender"));

  r = c.pmctl({"role", "-D", c.data_dir().string(), "alter", "alice", "--replication"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  PgConn repl2 = login(c, "alice", "alice-pw", "replication=true");
  REQUIRE_MESSAGE(repl2.connected(), repl2.connect_error());
  CHECK(repl2.exec("IDENTIFY_SYSTEM").ok());

  r = c.pmctl({"role", "-D", c.data_dir().string(), "alter", "alice", "--nologin"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  PgConn nologin = login(c, "alice", "alice-pw");
  REQUIRE_FALSE(nologin.connected());
  CHECK_MESSAGE(nologin.connect_sqlstate() == "28000", nologin.connect_error());
  CHECK(contains(nologin.connect_error(), "role \"alice\" is not permitted to log in"));

  r = c.pmctl({"role", "-D", c.data_dir().string(), "drop", "alice"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  CHECK_FALSE(contains(roles_text(c), "alice"));
  PgConn gone = login(c, "alice", "alice-pw");
  CHECK_MESSAGE(gone.connect_sqlstate() == "28P01", gone.connect_error());
  r = c.pmctl({"role", "-D", c.data_dir().string(), "drop", c.user()});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "required by the database system"));
}

TEST_CASE("020 authentication: a standby streams from a scram-sha-256 primary with password= in primary_conninfo") {
  Cluster primary("primary");
  init_with_password(primary, "scram-sha-256");
  Cluster standby("standby");
  {
    // pmctl basebackup logs in with the password and writes it into primary_conninfo.
    ScopedEnv pw("PGPASSWORD", kPassword);
    (void)make_streaming_standby(primary, standby, "auth_standby");
  }
  const std::string auto_conf = read_text(standby.data_dir() / "postgresql.auto.conf");
  CHECK(contains(auto_conf, "password="));
  CHECK(contains(auto_conf, kPassword));
  // Started without PGPASSWORD in its environment: only primary_conninfo has it.
  REQUIRE(std::getenv("PGPASSWORD") == nullptr);
  standby.start();
  PgConn p = login(primary, primary.user(), kPassword);
  REQUIRE(p.exec("INSERT INTO kv VALUES ('auth', 'streamed')").ok());
  wait_for("auth_standby streaming in pg_stat_replication", 30s, [&](std::string& seen) {
    auto rows = p.exec("SELECT * FROM pg_stat_replication");  // pid, application_name, client_addr, state, ...
    seen = rows.describe();
    return rows.rows.size() == 1 && rows.get(0, 1) == "auth_standby" && rows.get(0, 3) == "streaming";
  });
  wait_for("the row on the standby", 30s, [&](std::string& seen) {
    PgConn s = login(standby, standby.user(), kPassword);
    seen = s.connected() ? s.exec("SELECT v FROM kv WHERE k = 'auth'").describe() : s.connect_error();
    return s.connected() && s.exec("SELECT v FROM kv WHERE k = 'auth'").get() == "streamed";
  });
  // Roles are not replicated; a standby refuses to change its own.
  auto ro = login(standby, standby.user(), kPassword).exec("CREATE ROLE x");
  CHECK(ro.sqlstate == "25006");
  CHECK(contains(ro.message, "cannot execute CREATE ROLE in a read-only transaction"));
}

TEST_CASE("020 authentication: md5 (md5 and SCRAM verifiers) and password methods") {
  Cluster c("md5");
  init_with_password(c, "md5", {"password_encryption=md5"});
  CHECK(contains(roles_text(c), "\tmd5"));
  CHECK_FALSE(contains(roles_text(c), kPassword));
  CHECK(login(c, c.user(), kPassword).exec("SELECT 1").get() == "1");
  check_failures_look_alike(c);
  CHECK(contains(c.log(), "Password does not match for user \"" + c.user() + "\"."));
  auto slot = client(c, "pg_receivewal", c.user());
  slot.insert(slot.end(), {"--create-slot", "--slot=md5_slot"});
  CmdResult r = run_with_password(slot, kPassword);
  CHECK_MESSAGE(r.exit_code == 0, r.describe());
  CHECK(fs::exists(c.data_dir() / "pg_replslot" / "md5_slot" / "state"));
  // A role with a SCRAM verifier under an md5 line authenticates with SCRAM.
  c.append_conf("password_encryption = 'scram-sha-256'");
  const fs::path pw = write_file(c.base_dir() / "scram_pw", "scram-pw\n");
  r = c.pmctl({"role", "-D", c.data_dir().string(), "create", "scrammy", "--password-file", pw.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  CHECK(contains(roles_text(c), "scrammy\tf\tt\tf\tSCRAM-SHA-256$"));
  CHECK(login(c, "scrammy", "scram-pw").exec("SELECT 1").get() == "1");
  CHECK(login(c, "scrammy", "wrong").connect_sqlstate() == "28P01");

  Cluster p("password");
  init_with_password(p, "password");
  CHECK(login(p, p.user(), kPassword).exec("SELECT 1").get() == "1");
  check_failures_look_alike(p);
  CHECK(contains(p.log(), "Password does not match for user \"" + p.user() + "\"."));
  auto bb = client(p, "pg_basebackup", p.user());
  bb.insert(bb.end(), {"-D", (p.base_dir() / "copy").string(), "-X", "none", "-w"});
  r = run_with_password(bb, kPassword);
  CHECK_MESSAGE(r.exit_code == 0, r.describe());
}

TEST_CASE("020 authentication: CREATE/ALTER/DROP ROLE in SQL, then logins with those passwords") {
  Cluster c;
  init_with_password(c, "scram-sha-256");
  PgConn su = login(c, c.user(), kPassword);
  REQUIRE(su.connected());
  auto created = su.exec("CREATE ROLE bob WITH LOGIN PASSWORD 'bob-pw'");
  REQUIRE_MESSAGE(created.ok(), created.describe());
  CHECK(created.tag == "CREATE ROLE");
  CHECK(contains(roles_text(c), "bob\tf\tt\tf\tSCRAM-SHA-256$4096:"));
  CHECK_FALSE(contains(roles_text(c), "bob-pw"));
  auto dup = su.exec("CREATE USER bob");
  CHECK(dup.sqlstate == "42710");
  CHECK(contains(dup.message, "role \"bob\" already exists"));

  // bob logs in, but is no superuser.
  PgConn bob = login(c, "bob", "bob-pw");
  REQUIRE_MESSAGE(bob.connected(), bob.connect_error());
  auto denied = bob.exec("CREATE ROLE eve");
  CHECK(denied.sqlstate == "42501");
  CHECK(contains(denied.message, "permission denied to create role"));
  CHECK(bob.exec("DROP ROLE eve").sqlstate == "42501");
  CHECK(bob.exec("ALTER ROLE bob LOGIN").sqlstate == "42501");
  CHECK(bob.exec("ALTER ROLE " + c.user() + " PASSWORD 'x'").sqlstate == "42501");
  // ... but may change his own password.
  REQUIRE_MESSAGE(bob.exec("ALTER ROLE bob PASSWORD 'bob-pw2'").ok(), bob.exec("SELECT 1").describe());
  CHECK(login(c, "bob", "bob-pw").connect_sqlstate() == "28P01");
  CHECK(login(c, "bob", "bob-pw2").connected());

  // A verifier given as the password is stored as it is.
  const std::string md5 = "md5" + std::string(32, 'a');
  REQUIRE(su.exec("CREATE USER legacy PASSWORD '" + md5 + "'").ok());
  CHECK(contains(roles_text(c), "legacy\tf\tt\tf\t" + md5));
  // CREATE ROLE is NOLOGIN unless asked.
  REQUIRE(su.exec("CREATE ROLE quiet PASSWORD 'q'").ok());
  CHECK(login(c, "quiet", "q").connect_sqlstate() == "28000");
  REQUIRE(su.exec("ALTER ROLE quiet WITH LOGIN").ok());
  CHECK(login(c, "quiet", "q").connected());

  auto missing = su.exec("ALTER ROLE nobody LOGIN");
  CHECK(missing.sqlstate == "42704");
  CHECK(contains(missing.message, "role \"nobody\" does not exist"));
  CHECK(su.exec("DROP ROLE nobody").sqlstate == "42704");
  CHECK(su.exec("DROP ROLE IF EXISTS nobody").ok());
  CHECK(su.exec("DROP ROLE " + c.user()).sqlstate == "55006");
  CHECK(su.exec("CREATE ROLE pg_mine").sqlstate == "42939");
  REQUIRE(su.exec("DROP USER bob, quiet").ok());
  CHECK(login(c, "bob", "bob-pw2").connect_sqlstate() == "28P01");
  CHECK_FALSE(contains(roles_text(c), "bob"));

  // Two sessions creating roles at once lose none of them (the file is
  // rewritten under a lock).
  auto create_many = [&](const std::string& prefix) {
    PgConn s = login(c, c.user(), kPassword);
    for (int i = 0; i < 20; ++i) CHECK(s.exec("CREATE ROLE " + prefix + std::to_string(i)).ok());
  };
  std::thread a(create_many, "ra"), b(create_many, "rb");
  a.join();
  b.join();
  const std::string text = roles_text(c);
  for (int i = 0; i < 20; ++i) {
    CHECK(contains(text, "\nra" + std::to_string(i) + "\t"));
    CHECK(contains(text, "\nrb" + std::to_string(i) + "\t"));
  }
}

TEST_CASE("020 authentication: a client silent after the password request is dropped after authentication_timeout") {
  Cluster c;
  init_with_password(c, "scram-sha-256", {"authentication_timeout=1s"});
  const SilentClient silent = start_and_fall_silent(c, 15s);
  // AuthenticationSASL ('R', code 10) offering SCRAM-SHA-256, then nothing.
  REQUIRE(silent.received.size() >= 9);
  CHECK(silent.received[0] == 'R');
  CHECK(silent.received.substr(5, 4) == std::string("\0\0\0\12", 4));
  CHECK(contains(silent.received, "SCRAM-SHA-256"));
  REQUIRE_MESSAGE(silent.closed_after.has_value(), "the server kept the connection open for 15 s");
  CHECK(*silent.closed_after >= 900ms);
  CHECK(*silent.closed_after < 5s);
  CHECK(login(c, c.user(), kPassword).exec("SELECT 1").get() == "1");
  CHECK(c.count_in_log("terminating any other active server processes") == 0);
}
