// `pmctl basebackup -D NEWDIR -d CONNINFO [-P] [-R]`: copies a running
// primary through BASE_BACKUP on a replication connection (PostgreSQL 15's
// framing: start position, tablespace list, one tar archive in CopyOut, end
// position), unpacks it into NEWDIR, and with -R makes the copy a standby.
#include <libpq-fe.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "pmctl/commands.h"
#include "pmctl/report.h"
#include "pmctl/tar_extract.h"

namespace pmemu::pmctl {
namespace {

namespace fs = std::filesystem;

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Result = std::unique_ptr<PGresult, ResultCloser>;

std::string conn_error(PGconn* c) {
  std::string s = PQerrorMessage(c);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The primary_conninfo a standby made from this copy should use: the
// connection's own parameters, minus those only a base backup needs.
std::string standby_conninfo(PGconn* c) {
  std::string out;
  PQconninfoOption* opts = PQconninfo(c);
  for (PQconninfoOption* o = opts; o && o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string k = o->keyword;
    if (k != "host" && k != "hostaddr" && k != "port" && k != "user" && k != "password" && k != "application_name")
      continue;
    std::string v;
    for (const char* p = o->val; *p; ++p) {
      if (*p == '\'' || *p == '\\') v.push_back('\\');
      v.push_back(*p);
    }
    out += (out.empty() ? "" : " ") + k + "='" + v + "'";
  }
  PQconninfoFree(opts);
  return out;
}

void show_progress(std::uint64_t done, std::uint64_t total_kb, bool last) {
  const std::uint64_t done_kb = done / 1024;
  const int pct = total_kb ? static_cast<int>(std::min<std::uint64_t>(100, done_kb * 100 / total_kb)) : 100;
  std::fprintf(stderr, "%llu/%llu kB (%d%%), %d/1 tablespace%s", static_cast<unsigned long long>(done_kb),
               static_cast<unsigned long long>(total_kb), pct, last ? 1 : 0, last ? "\n" : "\r");
}

}  // namespace

int run_basebackup(const BasebackupOptions& opts) {
  std::error_code ec;
  if (fs::exists(opts.data_dir, ec) && !fs::is_empty(opts.data_dir, ec))
    return fail("directory \"" + opts.data_dir + "\" exists but is not empty");
  Conn conn(PQconnectdb((opts.conninfo + " replication=true dbname=replication fallback_application_name=pmctl").c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) return fail("could not connect to server: " + conn_error(conn.get()));

  if (!PQsendQuery(conn.get(),
                   "BASE_BACKUP ( LABEL 'pmctl base backup', PROGRESS, CHECKPOINT 'fast', WAIT 0, MANIFEST 'no')"))
    return fail("could not send replication command \"BASE_BACKUP\": " + conn_error(conn.get()));
  Result start(PQgetResult(conn.get()));
  if (PQresultStatus(start.get()) != PGRES_TUPLES_OK || PQntuples(start.get()) != 1)
    return fail("could not initiate base backup: " + conn_error(conn.get()));
  const std::string start_lsn = PQgetvalue(start.get(), 0, 0);
  Result spaces(PQgetResult(conn.get()));
  if (PQresultStatus(spaces.get()) != PGRES_TUPLES_OK || PQntuples(spaces.get()) < 1)
    return fail("could not get backup header: " + conn_error(conn.get()));
  const std::uint64_t total_kb = std::stoull(PQgetvalue(spaces.get(), 0, 2));
  Result copy(PQgetResult(conn.get()));
  if (PQresultStatus(copy.get()) != PGRES_COPY_OUT) return fail("could not get COPY data stream: " + conn_error(conn.get()));

  fs::create_directories(opts.data_dir, ec);
  if (ec) return fail("could not create directory \"" + opts.data_dir + "\": " + ec.message());
  fs::permissions(opts.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  TarExtractor tar(opts.data_dir);
  std::uint64_t progress = 0;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn.get(), &buf, 0);
    if (n == -1) break;
    if (n < 0) return fail("could not read COPY data: " + conn_error(conn.get()));
    std::string_view msg(buf, static_cast<std::size_t>(n));
    std::string err;
    if (!msg.empty() && msg[0] == 'd') {
      err = tar.feed(msg.substr(1));
    } else if (!msg.empty() && msg[0] == 'p' && msg.size() == 9) {
      progress = 0;
      for (int i = 1; i < 9; ++i) progress = (progress << 8) | static_cast<unsigned char>(msg[i]);
      if (opts.progress) show_progress(progress, total_kb, false);
    } else if (msg.empty() || (msg[0] != 'n' && msg[0] != 'm')) {
      err = "unexpected payload in the backup stream";
    }
    PQfreemem(buf);
    if (!err.empty()) return fail(err);
  }
  if (auto err = tar.finish(); !err.empty()) return fail(err);
  Result end(PQgetResult(conn.get()));
  if (PQresultStatus(end.get()) != PGRES_TUPLES_OK || PQntuples(end.get()) != 1)
    return fail("could not get write-ahead log end position from server: " + conn_error(conn.get()));
  const std::string end_lsn = PQgetvalue(end.get(), 0, 0);
  Result done(PQgetResult(conn.get()));
  if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) return fail("final receive failed: " + conn_error(conn.get()));
  if (opts.progress) show_progress(total_kb * 1024, total_kb, true);

  if (opts.write_recovery_conf) {
    std::ofstream(fs::path(opts.data_dir) / "standby.signal").close();
    std::ofstream auto_conf(fs::path(opts.data_dir) / "postgresql.auto.conf", std::ios::app);
    auto_conf << "primary_conninfo = '";
    for (char c : standby_conninfo(conn.get())) {
      if (c == '\'') auto_conf << "''";
      else auto_conf << c;
    }
    auto_conf << "'\n";
    if (!auto_conf) return fail("could not write postgresql.auto.conf");
  }
  std::printf("base backup copied from %s to %s (WAL %s .. %s)\n", PQhost(conn.get()), opts.data_dir.c_str(),
              start_lsn.c_str(), end_lsn.c_str());
  return 0;
}

}  // namespace pmemu::pmctl
