// The order of a checkpoint's durable writes: WAL up to the image's LSN is
// durable before the image, the record before pg_control.
#include "checkpoint/checkpoint_steps.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace pmemu::checkpoint {
namespace {

// Records each step with the position it was given; `durable` is how far
// WAL is durable (a flush moves it, nothing else does).
struct Recorder final : CheckpointSteps {
  std::vector<std::string> steps;
  Lsn durable;
  Lsn durable_at_image;
  Lsn durable_at_control;
  bool fail_image = false;

  void flush_wal(Lsn upto) override {
    steps.push_back("flush " + upto.str());
    if (upto > durable) durable = upto;
  }
  wal::Status write_image(Lsn at) override {
    steps.push_back("image " + at.str());
    durable_at_image = durable;
    return fail_image ? wal::Status::failure("could not write image") : wal::Status::success();
  }
  CheckpointRecordPos insert_record(Lsn redo) override {
    steps.push_back("insert " + redo.str());
    return {Lsn{0x2000}, Lsn{0x2080}};
  }
  wal::Status write_control(CheckpointRecordPos rec, Lsn redo) override {
    steps.push_back("control " + rec.lsn.str() + " " + redo.str());
    durable_at_control = durable;
    return wal::Status::success();
  }
};

TEST_CASE("online checkpoint: WAL durable up to the redo point before the image, record before pg_control") {
  Recorder r;
  const Lsn redo{0x1f00};
  auto rec = make_checkpoint_durable(r, redo, nullptr);
  REQUIRE(rec.ok());
  CHECK(rec.value().lsn == Lsn{0x2000});
  CHECK(rec.value().end == Lsn{0x2080});
  CHECK(r.durable_at_image >= redo);
  CHECK(r.durable_at_control >= Lsn{0x2080});
  CHECK(r.steps == std::vector<std::string>{"flush 0/1F00", "image 0/1F00", "insert 0/1F00", "flush 0/2080",
                                            "control 0/2000 0/1F00"});
}

TEST_CASE("shutdown checkpoint: the record inserted under the lock is durable before the image") {
  Recorder r;
  const Lsn redo{0x3000};
  const CheckpointRecordPos inserted{redo, Lsn{0x3080}};
  auto rec = make_checkpoint_durable(r, redo, &inserted);
  REQUIRE(rec.ok());
  CHECK(rec.value().lsn == redo);
  CHECK(r.durable_at_image >= Lsn{0x3080});
  CHECK(r.durable_at_control >= Lsn{0x3080});
  CHECK(r.steps.front() == "flush 0/3080");
  CHECK(r.steps.back() == "control 0/3000 0/3000");
}

TEST_CASE("a failed image write leaves pg_control alone and inserts no record") {
  Recorder r;
  r.fail_image = true;
  auto rec = make_checkpoint_durable(r, Lsn{0x1000}, nullptr);
  REQUIRE_FALSE(rec.ok());
  CHECK(rec.error() == "could not write image");
  CHECK(r.steps == std::vector<std::string>{"flush 0/1000", "image 0/1000"});
}

}  // namespace
}  // namespace pmemu::checkpoint
