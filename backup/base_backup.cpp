#include "backup/base_backup.h"

#include <span>
#include <string_view>
#include <vector>

#include "backup/archive_plan.h"
#include "backup/manifest.h"
#include "backup/tar_format.h"
#include "checkpoint/checkpoint_request.h"
#include "protocol/backend_messages.h"
#include "recovery/recovery_shmem.h"
#include "wal/control_file.h"
#include "wal/xlog.h"
#include "wal/xlog_ctl.h"

namespace pmemu::backup {
namespace {

using protocol::PgError;
using Col = protocol::Column;
namespace sqlstate = protocol::sqlstate;
constexpr std::size_t kChunk = 64 * 1024;

void send_position(protocol::Buffer& out, Lsn lsn, TimeLineId tli) {
  // PostgreSQL labels tli int8 with typlen -1 here; clients read text.
  protocol::row_description(out, {Col{"recptr", protocol::kTextType}, Col{"tli", {20, -1}}});
  protocol::data_row(out, {lsn.str(), std::to_string(tli.get())});
  protocol::command_complete(out, "SELECT");
}

void send_tablespaces(protocol::Buffer& out, std::uint64_t total_bytes) {
  protocol::row_description(out, {Col{"spcoid", protocol::kOidType}, Col{"spclocation", protocol::kTextType},
                                  Col{"size", protocol::kInt8Type}});
  protocol::data_row(out, {std::nullopt, std::nullopt, std::to_string(total_bytes / 1024)});
  protocol::command_complete(out, "SELECT");
}

PgError client_gone() {
  return PgError::error(sqlstate::kConnectionFailure, "could not send data to client");
}

// The single COPY stream of PostgreSQL 15's BASE_BACKUP: CopyData payloads
// tagged 'n' (new archive), 'd' (data), 'p' (progress), 'm' (manifest
// follows). Output is flushed to the client as it fills up.
class CopyStream {
 public:
  CopyStream(BackupIo& io, bool progress) : io_(io), progress_(progress) {}

  void new_archive(std::string_view name) {
    std::string n = "n";
    n.append(name);
    n.push_back('\0');
    n.push_back('\0');  // tablespace location: empty for the data directory
    protocol::copy_data(io_.out, n);
  }
  // 'd' payloads of at most kChunk bytes; false if the client went away.
  [[nodiscard]] bool data(std::string_view bytes) {
    for (std::size_t off = 0; off < bytes.size(); off += kChunk) {
      std::string d = "d";
      d.append(bytes.substr(off, kChunk));
      protocol::copy_data(io_.out, d);
      if (io_.out.size() >= 4 * kChunk && !io_.flush()) return false;
    }
    done_ += bytes.size();
    return true;
  }
  void report_progress() {
    if (!progress_) return;
    protocol::Buffer p;
    protocol::put_int8(p, 'p');
    protocol::put_uint64(p, done_);
    protocol::copy_data(io_.out, p);
  }
  void manifest_follows() { protocol::copy_data(io_.out, "m"); }

 private:
  BackupIo& io_;
  bool progress_;
  std::uint64_t done_ = 0;
};

// One member into the archive: header, contents, padding. Regular files
// outside pg_wal/ are recorded for the manifest with what was sent.
std::optional<PgError> send_member(const ArchiveMember& m, CopyStream& stream, ManifestContent& manifest) {
  std::optional<CapturedFile> wal;
  if (!m.contents) {
    wal = capture_file(m.source);  // WAL: read as late as possible
    if (!wal) return PgError::error(sqlstate::kUndefinedFile, "requested WAL segment " + m.name.substr(m.name.find('/') + 1) +
                                                 " has already been removed");
  }
  const std::string_view body = m.contents ? *m.contents : wal->bytes;
  const std::uint32_t mode = m.type == TarEntryType::Directory ? 0700u : 0600u;
  auto header = pack_tar_header(TarEntry{m.name, m.type, body.size(), mode, m.mtime});
  if (!header) return PgError::error(sqlstate::kInternalError, "file name too long for tar format: \"" + m.name + "\"");
  if (!stream.data(*header) || !stream.data(body) || !stream.data(std::string(tar_padding(body.size()), '\0')))
    return client_gone();
  if (m.in_manifest) {
    Checksum sum(manifest.checksum);
    sum.update(body);
    manifest.files.push_back({m.name, body.size(), m.mtime, sum.finish()});
  }
  stream.report_progress();
  return std::nullopt;
}

std::optional<PgError> send_manifest(CopyStream& stream, const ManifestContent& manifest) {
  stream.manifest_follows();
  if (!stream.data(build_manifest(manifest))) return client_gone();
  return std::nullopt;
}

// The backup's checkpoint; pg_control and its redo point are read after it.
std::optional<PgError> checkpoint_first(const BackupSource& src, BackupIo& io) {
  if (src.recovery->in_recovery.load() != 0)
    return PgError::error(sqlstate::kObjectNotInPrerequisiteState, "recovery is in progress")
        .with_hint("Take the base backup from the primary; backups from a standby are not supported.");
  auto outcome = checkpoint::request_checkpoint_and_wait(*src.checkpointer, io.wait_a_little);
  if (outcome == checkpoint::RequestOutcome::Interrupted)
    return PgError::error(sqlstate::kQueryCanceled, "canceling statement due to user request");
  if (outcome != checkpoint::RequestOutcome::Done)
    return PgError::error(sqlstate::kInternalError, "checkpoint request failed");
  return std::nullopt;
}

std::uint64_t archive_size(const std::vector<ArchiveMember>& members) {
  std::uint64_t total = 2 * kTarBlock;
  for (const auto& m : members) total += kTarBlock + m.size + tar_padding(m.size);
  return total;
}

}  // namespace

std::optional<PgError> send_base_backup(const BackupSource& src, const BaseBackupOptions& opts, BackupIo& io) {
  if (auto err = checkpoint_first(src, io)) return err;
  const std::string& dir = src.data_dir;
  auto control = capture_file(dir + "/global/pg_control");
  if (!control) return PgError::error(sqlstate::kInternalError, "could not read file \"global/pg_control\"");
  // The start is the redo point of exactly the pg_control that goes into the copy.
  auto cf = wal::unpack_control_file(std::as_bytes(std::span(control->bytes.data(), control->bytes.size())),
                                     dir + "/global/pg_control");
  if (!cf.ok()) return PgError::error(sqlstate::kInternalError, cf.error());
  const Lsn start = cf.value().redo;
  const TimeLineId tli = cf.value().tli;
  send_position(io.out, start, tli);

  auto planned = plan_data_files(dir, std::move(*control));
  if (auto* why = std::get_if<std::string>(&planned)) return PgError::error(sqlstate::kInternalError, *why);
  auto& members = std::get<std::vector<ArchiveMember>>(planned);
  // The end is where the WAL stands after the image was read.
  const Lsn end = wal::Xlog(src.xlog, dir + "/pg_wal", wal::FsyncEnabled{false}).flushed();
  if (opts.include_wal) {
    if (auto why = plan_wal_files(members, dir, src.wal_segment_size, tli, start, end))
      return PgError::error(sqlstate::kUndefinedFile, *why);
  }

  send_tablespaces(io.out, archive_size(members));
  protocol::copy_out_response(io.out, 0);
  CopyStream stream(io, opts.progress);
  stream.new_archive("base.tar");
  ManifestContent manifest{opts.manifest_checksums, opts.manifest == ManifestOption::ForceEncode, {}, {}};
  for (const auto& m : members)
    if (auto err = send_member(m, stream, manifest)) return err;
  if (!stream.data(std::string(2 * kTarBlock, '\0'))) return client_gone();
  if (opts.manifest != ManifestOption::No) {
    manifest.wal_ranges.push_back({tli, start, end});
    if (auto err = send_manifest(stream, manifest)) return err;
  }
  protocol::copy_done(io.out);
  send_position(io.out, end, tli);
  return std::nullopt;
}

}  // namespace pmemu::backup
