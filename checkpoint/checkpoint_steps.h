// The durable writes of one checkpoint and the one order they may happen in.
//
// The table image holds the effect of every record below its LSN (the redo
// point), so WAL must be durable up to that LSN before the image is: if the
// image reached disk first, a power loss between the two would leave an
// image ahead of WAL, new WAL would then reuse the lost positions for other
// records, and standbys that streamed the lost ones would diverge.
// pg_control names the checkpoint record, so it is written only once that
// record is durable as well. perform_checkpoint goes through this sequence;
// the unit test drives it with a recorder.
#pragma once

#include "wal/lsn.h"
#include "wal/result.h"

namespace pmemu::checkpoint {

// Where a checkpoint's record lies: `lsn` its start, `end` its aligned end.
struct CheckpointRecordPos {
  Lsn lsn;
  Lsn end;
};

class CheckpointSteps {
 public:
  virtual ~CheckpointSteps() = default;
  // Returns once WAL below `upto` is durable.
  virtual void flush_wal(Lsn upto) = 0;
  // Writes (and, with fsync on, syncs) the table image taken at `at`.
  virtual wal::Status write_image(Lsn at) = 0;
  // Inserts an online checkpoint record whose redo point is `redo`.
  virtual CheckpointRecordPos insert_record(Lsn redo) = 0;
  // Points pg_control at the checkpoint record `rec` and its redo point.
  virtual wal::Status write_control(CheckpointRecordPos rec, Lsn redo) = 0;
};

// Runs the steps for a checkpoint whose snapshot was taken at `redo`.
// `inserted` is the record when it was inserted already, under the table
// lock (a shutdown-like checkpoint is its own redo point); otherwise the
// record is inserted after the image. Returns the record's position, or the
// first step's error (then pg_control was not touched).
[[nodiscard]] wal::Result<CheckpointRecordPos> make_checkpoint_durable(CheckpointSteps& steps, Lsn redo,
                                                                       const CheckpointRecordPos* inserted);

}  // namespace pmemu::checkpoint
