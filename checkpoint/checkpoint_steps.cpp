#include "checkpoint/checkpoint_steps.h"

namespace pmemu::checkpoint {

wal::Result<CheckpointRecordPos> make_checkpoint_durable(CheckpointSteps& steps, Lsn redo,
                                                         const CheckpointRecordPos* inserted) {
  // WAL first, up to everything the image depends on (and the record, when
  // it is in already: one fdatasync instead of two).
  steps.flush_wal(inserted != nullptr ? inserted->end : redo);
  if (auto st = steps.write_image(redo); !st.ok()) return wal::Result<CheckpointRecordPos>::failure(st.error);
  const CheckpointRecordPos rec = inserted != nullptr ? *inserted : steps.insert_record(redo);
  steps.flush_wal(rec.end);
  if (auto st = steps.write_control(rec, redo); !st.ok()) return wal::Result<CheckpointRecordPos>::failure(st.error);
  return rec;
}

}  // namespace pmemu::checkpoint
