// `pmctl basebackup -D NEWDIR -d CONNINFO [-P] [-R]`: copies a running
// primary through BASE_BACKUP on a replication connection (PostgreSQL 15's
// framing: start position, tablespace list, one COPY stream with the tar
// archive and the backup manifest, end position), unpacks it into NEWDIR
// with the WAL it needs (as pg_basebackup -X fetch) and backup_manifest, and
// with -R makes the copy a standby.
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

// The COPY stream of PostgreSQL 15's BASE_BACKUP: 'n' starts the archive,
// 'd' carries archive bytes (or, after 'm', manifest bytes), 'p' reports
// progress. The archive is unpacked into the directory as it arrives; the
// manifest goes to backup_manifest.tmp, renamed once the backup is complete.
class CopyStreamReceiver {
 public:
  CopyStreamReceiver(const std::string& dir, bool progress, std::uint64_t total_kb)
      : dir_(dir), tar_(dir), progress_(progress), total_kb_(total_kb) {}

  // "" or why the stream is unusable.
  [[nodiscard]] std::string take(std::string_view msg) {
    if (msg.empty()) return "empty COPY message";
    const std::string_view body = msg.substr(1);
    switch (msg[0]) {
      case 'n':
        if (archives_++ > 0) return "more than one archive in the backup stream";
        return in_manifest_ ? "archives must precede manifest" : "";
      case 'd':
        if (in_manifest_) return write_manifest(body);
        return archives_ > 0 ? tar_.feed(body) : "unexpected payload data";
      case 'p':
        if (body.size() != 8) return "malformed progress message in the backup stream";
        done_ = 0;
        for (char c : body) done_ = (done_ << 8) | static_cast<unsigned char>(c);
        if (progress_) show_progress(done_, total_kb_, false);
        return "";
      case 'm':
        if (!body.empty()) return "malformed manifest message in the backup stream";
        in_manifest_ = true;
        manifest_.open(fs::path(dir_) / "backup_manifest.tmp", std::ios::binary | std::ios::trunc);
        return manifest_ ? "" : "could not create file \"" + dir_ + "/backup_manifest.tmp\"";
      default:
        return "unexpected payload in the backup stream";
    }
  }

  // After the stream ended: the archive must be complete; the manifest, if
  // one came, becomes backup_manifest.
  [[nodiscard]] std::string finish() {
    if (auto err = tar_.finish(); !err.empty()) return err;
    if (!in_manifest_) return "";
    manifest_.close();
    if (!manifest_) return "could not write file \"" + dir_ + "/backup_manifest.tmp\"";
    std::error_code ec;
    fs::rename(fs::path(dir_) / "backup_manifest.tmp", fs::path(dir_) / "backup_manifest", ec);
    return ec ? "could not rename backup_manifest.tmp: " + ec.message() : "";
  }

 private:
  std::string write_manifest(std::string_view bytes) {
    manifest_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return manifest_ ? "" : "could not write file \"" + dir_ + "/backup_manifest.tmp\"";
  }

  std::string dir_;
  TarExtractor tar_;
  bool progress_;
  std::uint64_t total_kb_;
  std::uint64_t done_ = 0;
  int archives_ = 0;
  bool in_manifest_ = false;
  std::ofstream manifest_;
};

// Reads CopyData until CopyDone, handing each payload to `rx`.
std::string receive_copy_stream(PGconn* conn, CopyStreamReceiver& rx) {
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn, &buf, 0);
    if (n == -1) return rx.finish();
    if (n < 0) return "could not read COPY data: " + conn_error(conn);
    std::string err = rx.take(std::string_view(buf, static_cast<std::size_t>(n)));
    PQfreemem(buf);
    if (!err.empty()) return err;
  }
}

}  // namespace

int run_basebackup(const BasebackupOptions& opts) {
  std::error_code ec;
  if (fs::exists(opts.data_dir, ec) && !fs::is_empty(opts.data_dir, ec))
    return fail("directory \"" + opts.data_dir + "\" exists but is not empty");
  Conn conn(PQconnectdb((opts.conninfo + " replication=true dbname=replication fallback_application_name=pmctl").c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) return fail("could not connect to server: " + conn_error(conn.get()));

  if (!PQsendQuery(conn.get(), "BASE_BACKUP ( LABEL 'pmctl base backup', PROGRESS, CHECKPOINT 'fast', WAL, WAIT 0, "
                               "MANIFEST 'yes')"))
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
  CopyStreamReceiver rx(opts.data_dir, opts.progress, total_kb);
  if (auto err = receive_copy_stream(conn.get(), rx); !err.empty()) return fail(err);
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
