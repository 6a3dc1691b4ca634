#include "backup/base_backup.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "backup/tar_format.h"
#include "checkpointer/checkpoint_request.h"
#include "ipc/process_env.h"
#include "protocol/backend_messages.h"
#include "startup/recovery_shmem.h"
#include "wal/control_file.h"
#include "wal/segment.h"
#include "wal/xlog_ctl.h"
#include "wal/xlog.h"

namespace pmemu::backup {
namespace {

namespace fs = std::filesystem;
using protocol::PgError;
using Col = protocol::Column;
constexpr std::size_t kChunk = 64 * 1024;

struct Member {
  std::string name;        // path inside the archive
  TarEntryType type = TarEntryType::File;
  std::string contents;    // when captured up front (pg_control)
  fs::path source;         // else read from here
  std::uint64_t size = 0;
};

std::optional<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void send_position(protocol::Buffer& out, Lsn lsn, TimeLineId tli) {
  // PostgreSQL labels tli int8 with typlen -1 here; clients read text.
  protocol::row_description(out, {Col{"recptr", protocol::kTextType}, Col{"tli", {20, -1}}});
  protocol::data_row(out, {lsn.str(), std::to_string(tli.get())});
  protocol::command_complete(out, "SELECT");
}

// What goes into the archive, in order: settings and catalogue files,
// pg_control (captured now), the table image, then the WAL.
std::vector<Member> plan_members(const std::string& dir, std::string control_bytes) {
  std::vector<Member> m;
  for (const char* f : {"PG_VERSION", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf"}) {
    std::error_code ec;
    if (fs::exists(dir + "/" + f, ec)) m.push_back({f, TarEntryType::File, {}, dir + "/" + f, 0});
  }
  m.push_back({"global", TarEntryType::Directory, {}, {}, 0});
  m.push_back({"global/pg_control", TarEntryType::File, std::move(control_bytes), {}, 0});
  m.push_back({"global/pg_authid", TarEntryType::File, {}, dir + "/global/pg_authid", 0});
  m.push_back({"base", TarEntryType::Directory, {}, {}, 0});
  m.push_back({"base/kv.image", TarEntryType::File, {}, dir + "/base/kv.image", 0});
  m.push_back({"pg_wal", TarEntryType::Directory, {}, {}, 0});
  return m;
}

void add_wal(std::vector<Member>& m, const std::string& dir, std::uint32_t seg_size, TimeLineId tli, Lsn from,
             Lsn to) {
  const std::string pg_wal = dir + "/pg_wal";
  std::vector<std::string> names;
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(pg_wal, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 16 && name.substr(8) == ".history") {
      names.push_back(name);
      continue;
    }
    auto parsed = wal::parse_segment_file_name(name, seg_size);
    if (!parsed || parsed->tli != tli) continue;
    if (parsed->segno.get() >= from.get() / seg_size && parsed->segno.get() <= to.get() / seg_size)
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (auto& n : names) m.push_back({"pg_wal/" + n, TarEntryType::File, {}, pg_wal + "/" + n, 0});
}

}  // namespace

std::variant<BaseBackupOptions, PgError> parse_base_backup_options(const protocol::repl::BaseBackup& cmd) {
  BaseBackupOptions o;
  for (auto& opt : cmd.options) {
    const std::string v = opt.value.value_or("");
    if (opt.name == "label") o.label = v;
    else if (opt.name == "progress") o.progress = v.empty() || v == "true" || v == "on" || v == "1";
    else if (opt.name == "checkpoint") {
      if (v != "fast" && v != "spread")
        return PgError::error(protocol::sqlstate::kSyntaxError, "unrecognized checkpoint type: \"" + v + "\"");
      o.fast_checkpoint = v == "fast";
    } else if (opt.name == "wait" || opt.name == "manifest" || opt.name == "manifest_checksums" ||
               opt.name == "target" || opt.name == "max_rate" || opt.name == "verify_checksums") {
      // Accepted: there is nothing to wait for (no archiver), no manifest is
      // produced, and the target is always the client.
    } else if (opt.name == "wal" || opt.name == "tablespace_map" || opt.name == "compression") {
      return PgError::error(protocol::sqlstate::kFeatureNotSupported,
                            "BASE_BACKUP option \"" + opt.name + "\" is not supported");
    } else {
      return PgError::error(protocol::sqlstate::kSyntaxError, "unrecognized base backup option \"" + opt.name + "\"");
    }
  }
  return o;
}

std::optional<PgError> send_base_backup(const BaseBackupOptions& opts, BackupIo& io) {
  auto& e = ipc::env();
  if (e.areas.recovery->in_recovery.load() != 0)
    return PgError::error("55000", "recovery is in progress")
        .with_hint("Take the base backup from the primary; backups from a standby are not supported.");
  auto outcome = checkpointer::request_checkpoint_and_wait(io.wait_a_little);
  if (outcome == checkpointer::RequestOutcome::Interrupted)
    return PgError::error(protocol::sqlstate::kQueryCanceled, "canceling statement due to user request");
  if (outcome != checkpointer::RequestOutcome::Done)
    return PgError::error(protocol::sqlstate::kInternalError, "checkpoint request failed");

  const std::string dir = e.data_dir;
  auto control_bytes = slurp(dir + "/global/pg_control");
  if (!control_bytes) return PgError::error(protocol::sqlstate::kInternalError, "could not read pg_control");
  auto cf = wal::read_control_file(dir);
  if (!cf.ok()) return PgError::error(protocol::sqlstate::kInternalError, cf.error());
  const Lsn start = cf.value().redo;
  const TimeLineId tli = cf.value().tli;
  send_position(io.out, start, tli);

  auto members = plan_members(dir, *control_bytes);
  // Read the image now (after pg_control), and the WAL position after it.
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].type != TarEntryType::File || !members[i].contents.empty()) continue;
    auto bytes = slurp(members[i].source);
    if (!bytes) return PgError::error(protocol::sqlstate::kInternalError, "could not read \"" + members[i].source.string() + "\"");
    members[i].contents = std::move(*bytes);
  }
  wal::Xlog xlog(e.areas.xlog, dir + "/pg_wal", wal::FsyncEnabled{false});
  const Lsn end = xlog.flushed();
  add_wal(members, dir, e.wal_segment_size, tli, start, end);
  std::uint64_t total = 0;
  for (auto& m : members) {
    if (m.type == TarEntryType::File && m.contents.empty() && !m.source.empty()) {
      struct stat st {};
      if (::stat(m.source.c_str(), &st) == 0) m.size = static_cast<std::uint64_t>(st.st_size);
    } else {
      m.size = m.contents.size();
    }
    total += kTarBlock + m.size + tar_padding(m.size);
  }

  protocol::row_description(io.out, {Col{"spcoid", protocol::kOidType}, Col{"spclocation", protocol::kTextType},
                                     Col{"size", protocol::kInt8Type}});
  protocol::data_row(io.out, {std::nullopt, std::nullopt, std::to_string(total / 1024)});
  protocol::command_complete(io.out, "SELECT");
  protocol::copy_out_response(io.out, 0);
  std::string n = "n";
  n += "base.tar";
  n.push_back('\0');
  n.push_back('\0');  // tablespace location: empty for the main data directory
  protocol::copy_data(io.out, n);

  std::uint64_t done = 0;
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  auto emit = [&](std::string_view bytes) -> bool {
    for (std::size_t off = 0; off < bytes.size(); off += kChunk) {
      std::string d = "d";
      d.append(bytes.substr(off, kChunk));
      protocol::copy_data(io.out, d);
      if (io.out.size() >= 4 * kChunk && !io.flush()) return false;
    }
    done += bytes.size();
    return true;
  };
  for (auto& m : members) {
    std::string body = m.contents;
    if (m.type == TarEntryType::File && body.empty() && !m.source.empty()) {
      auto bytes = slurp(m.source);  // WAL segments: read as late as possible
      if (!bytes) continue;          // removed meanwhile: recovery will say what is missing
      body = std::move(*bytes);
    }
    TarEntry te{m.name, m.type, body.size(), m.type == TarEntryType::Directory ? 0700u : 0600u, now};
    auto header = pack_tar_header(te);
    if (!header) return PgError::error(protocol::sqlstate::kInternalError, "file name too long for tar: " + m.name);
    if (!emit(*header) || !emit(body) || !emit(std::string(tar_padding(body.size()), '\0')))
      return PgError::error(protocol::sqlstate::kConnectionFailure, "could not send data to client");
    if (opts.progress) {
      protocol::Buffer p;
      protocol::put_int8(p, 'p');
      protocol::put_int64(p, static_cast<std::int64_t>(done));
      protocol::copy_data(io.out, p);
    }
  }
  if (!emit(std::string(2 * kTarBlock, '\0')))
    return PgError::error(protocol::sqlstate::kConnectionFailure, "could not send data to client");
  protocol::copy_done(io.out);
  send_position(io.out, end, tli);
  return std::nullopt;
}

}  // namespace pmemu::backup
