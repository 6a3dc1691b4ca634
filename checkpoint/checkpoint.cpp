#include "checkpoint/checkpoint.h"

#include <chrono>

#include "faults/registry.h"
#include <cstdio>
#include <ctime>
#include <optional>

#include "checkpoint/checkpoint_steps.h"
#include "recovery/recovery_shmem.h"
#include "ipc/process_env.h"
#include "kv/kv_image.h"
#include "kv/kv_table.h"
#include "wal/control_file.h"
#include "wal/record.h"
#include "wal/segment.h"
#include "replication/repl_slots.h"
#include "replication/walsnd_ctl.h"

namespace pmemu::checkpoint {
namespace {

std::string image_path(const CheckpointContext& ctx) { return ctx.data_dir + "/base/kv.image"; }

// Removes WAL segments before the one holding `redo`, keeping wal_keep_size
// more and whatever replication slots and live walsenders still need.
int remove_old_wal(const CheckpointContext& ctx, wal::Xlog& xlog, Lsn redo) {
  const std::uint64_t seg = ctx.wal_segment_size;
  std::uint64_t keep = redo.get() / seg;
  std::uint64_t extra = (ctx.wal_keep_size_bytes + seg - 1) / seg;
  keep = keep > extra ? keep - extra : 0;
  if (auto* ws = ctx.walsnd) {
    replication::checkpoint_slots(*ws, ctx.data_dir);
    for (Lsn floor : {replication::oldest_slot_lsn(*ws, ctx.data_dir), replication::oldest_sent(*ws)})
      if (floor.valid()) keep = std::min<std::uint64_t>(keep, floor.get() / seg);
  }
  auto removed = xlog.remove_segments_before(SegNo{keep});
  return removed.ok() ? removed.value() : 0;
}

// The checkpoint's durable writes on the real WAL, image and pg_control,
// in the order make_checkpoint_durable gives them.
class LiveSteps final : public CheckpointSteps {
 public:
  LiveSteps(const CheckpointContext& ctx, wal::Xlog& xlog, wal::CheckpointPayload payload, wal::ControlFile cf,
            CheckpointKind kind, std::int64_t now)
      : ctx_(ctx), xlog_(xlog), payload_(payload), cf_(cf), kind_(kind), now_(now) {}

  kv::KvSnapshot snap;  // taken under the table lock at the redo point

  void flush_wal(Lsn upto) override { xlog_.flush(upto); }

  wal::Status write_image(Lsn at) override {
    return kv::write_image(image_path(ctx_), snap, at, kv::Fsync{ctx_.fsync});
  }

  CheckpointRecordPos insert_record(Lsn redo) override {
    payload_.redo = redo;
    const auto bytes = wal::pack_checkpoint(payload_);
    const auto type =
        kind_ == CheckpointKind::Online ? wal::RecordType::CheckpointOnline : wal::RecordType::CheckpointShutdown;
    const Lsn end = xlog_.insert(type, bytes);
    (void)FAULT_POINT("checkpointer.after_checkpoint_record");
    return {Lsn{end.get() - wal::max_align(wal::kRecordHeaderSize + bytes.size())}, end};
  }

  wal::Status write_control(CheckpointRecordPos rec, Lsn redo) override {
    cf_.checkpoint = rec.lsn;
    cf_.redo = redo;
    cf_.tli = xlog_.timeline();
    cf_.prev_tli = xlog_.timeline();
    cf_.time = now_;
    cf_.checkpoint_time = now_;
    cf_.state = kind_ == CheckpointKind::Shutdown ? wal::DbState::ShutDown : wal::DbState::InProduction;
    // A standby's minimum recovery point means nothing once WAL is written
    // here: crash recovery always replays to the end of WAL.
    cf_.min_recovery_point = Lsn{};
    cf_.min_recovery_tli = TimeLineId{};
    (void)FAULT_POINT("checkpointer.before_control_update");
    return wal::write_control_file(ctx_.data_dir, cf_);
  }

 private:
  const CheckpointContext& ctx_;
  wal::Xlog& xlog_;
  wal::CheckpointPayload payload_;
  wal::ControlFile cf_;
  CheckpointKind kind_;
  std::int64_t now_;
};

}  // namespace

CheckpointContext context_of(const ipc::ProcessEnv& env) {
  CheckpointContext ctx;
  ctx.data_dir = env.data_dir;
  ctx.wal_segment_size = env.wal_segment_size;
  ctx.wal_keep_size_bytes = env.settings.wal_keep_size_bytes;
  ctx.fsync = env.settings.fsync;
  ctx.system_identifier = env.system_identifier;
  ctx.table = env.areas.kv;
  ctx.walsnd = env.areas.walsnd;
  ctx.recovery = env.areas.recovery;
  return ctx;
}

CheckpointOutcome perform_checkpoint(const CheckpointContext& ctx, wal::Xlog& xlog, CheckpointKind kind) {
  CheckpointOutcome out;
  auto t0 = std::chrono::steady_clock::now();
  const bool shutdown_like = kind != CheckpointKind::Online;
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));

  auto control = wal::read_control_file(ctx.data_dir);
  if (!control.ok()) {
    out.error = control.error();
    return out;
  }

  wal::CheckpointPayload payload;
  payload.tli = xlog.timeline();
  payload.prev_tli = xlog.timeline();
  payload.time = now;
  payload.system_identifier = ctx.system_identifier;
  LiveSteps steps(ctx, xlog, payload, control.value(), kind, now);
  std::optional<CheckpointRecordPos> inserted;
  {
    // Under the table lock nothing can write a row, so the insert position
    // read here is exactly the point the snapshot corresponds to.
    auto locked = ctx.table->lock();
    out.redo = xlog.insert_position();
    steps.snap = kv::snapshot(locked);
    out.rows = locked.count();
    // Nothing lies between redo and a shutdown record: it is its own redo point.
    if (shutdown_like) inserted = steps.insert_record(out.redo);
  }
  auto rec = make_checkpoint_durable(steps, out.redo, inserted ? &*inserted : nullptr);
  if (!rec.ok()) {
    out.error = rec.error();
    return out;
  }
  out.lsn = rec.value().lsn;
  out.end = rec.value().end;
  out.segments_removed = remove_old_wal(ctx, xlog, out.redo);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.ok = true;
  return out;
}

CheckpointOutcome perform_restartpoint(const CheckpointContext& ctx, wal::Xlog& xlog) {
  CheckpointOutcome out;
  const auto t0 = std::chrono::steady_clock::now();
  auto& rec = *ctx.recovery;
  {
    // The startup process replays under this lock and notes checkpoint
    // records under it too, so the table, replayed_upto and the checkpoint
    // fields agree here. pg_control is read and written under it as well:
    // the startup process takes it before ending recovery, so a promotion's
    // end-of-recovery checkpoint never interleaves with this update.
    auto locked = ctx.table->lock();
    if (rec.ending.load(std::memory_order_acquire) != 0) {
      out.ok = out.skipped = out.recovery_ended = true;
      return out;
    }
    auto control = wal::read_control_file(ctx.data_dir);
    if (!control.ok()) {
      out.error = control.error();
      return out;
    }
    wal::ControlFile cf = control.value();
    out.lsn = rec.checkpoint_lsn.load(std::memory_order_acquire);
    out.redo = rec.checkpoint_redo.load(std::memory_order_relaxed);
    const TimeLineId tli{rec.checkpoint_tli.load(std::memory_order_relaxed)};
    const Lsn image_at{rec.replayed_upto.load(std::memory_order_acquire)};
    if (!out.lsn.valid() || out.lsn <= cf.checkpoint || image_at < out.lsn) {
      out.ok = out.skipped = true;
      out.lsn = cf.checkpoint;
      return out;
    }
    out.rows = locked.count();
    // The image holds everything replayed up to image_at, past the redo
    // point; a restart replays again from the redo point, which changes
    // nothing the image already has (replay is idempotent). WAL below
    // image_at is durable already, so the image cannot get ahead of it:
    // replay applies only what the walreceiver flushed or what the startup
    // process synced before replay began (startup_main.cpp, prepare_wal_dir).
    if (auto st = kv::write_image(image_path(ctx), kv::snapshot(locked), image_at, kv::Fsync{ctx.fsync});
        !st.ok()) {
      out.error = st.error;
      return out;
    }
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    cf.checkpoint = out.lsn;
    cf.redo = out.redo;
    cf.tli = tli;
    cf.prev_tli = tli;
    cf.time = now;
    cf.checkpoint_time = now;
    if (auto st = wal::write_control_file(ctx.data_dir, cf); !st.ok()) {
      out.error = st.error;
      return out;
    }
    out.end = image_at;
  }
  out.segments_removed = remove_old_wal(ctx, xlog, out.redo);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.ok = true;
  return out;
}

std::string describe_checkpoint(const CheckpointOutcome& o, Restartpoint restartpoint) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s complete: wrote %zu rows; %d WAL file(s) removed; total=%.3f s; lsn=%s, redo lsn=%s",
                restartpoint ? "restartpoint" : "checkpoint", o.rows, o.segments_removed, o.seconds,
                o.lsn.str().c_str(), o.redo.str().c_str());
  return buf;
}

}  // namespace pmemu::checkpoint
