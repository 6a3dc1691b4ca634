// `pmctl waldump`: one line per WAL record, then one line saying why it
// stopped. Exit status as pg_waldump's: 0 only when the -e position was
// reached; stopping anywhere else (end of the written WAL, a missing
// segment, a bad record) is exit 1 with the reason, which is how pg_waldump
// reports the end of WAL too. Record lines go to stdout, the last line to
// stderr, so the records can be piped and counted.
#include <variant>

#include "pmctl/commands.h"
#include "pmctl/report.h"
#include "pmctl/wal_start.h"
#include "wal/control_file.h"
#include "wal/reader.h"
#include "wal/record_desc.h"
#include "wal/segment.h"

namespace pmemu::pmctl {

namespace {

std::optional<Lsn> parse_lsn_arg(const std::string& text, const char* what, int* exit_code) {
  if (text.empty()) return std::nullopt;
  auto lsn = Lsn::parse(text);
  if (!lsn) *exit_code = fail(std::string("invalid WAL location for ") + what + ": \"" + text + "\"");
  return lsn;
}

}  // namespace

int run_waldump(const WaldumpOptions& opts) {
  auto control = wal::read_control_file(opts.data_dir);
  if (!control.ok()) return fail(control.error());
  const std::uint32_t seg_size = control.value().wal_segment_size;
  const TimeLineId tli = opts.timeline ? TimeLineId{*opts.timeline} : control.value().tli;
  const std::string pg_wal = opts.data_dir + "/pg_wal";

  int bad_arg = 0;
  auto start = parse_lsn_arg(opts.start, "-s", &bad_arg);
  auto end = parse_lsn_arg(opts.end, "-e", &bad_arg);
  if (bad_arg != 0) return bad_arg;
  if (!start) {
    auto names = list_dir(pg_wal);
    auto oldest = oldest_segment(names, tli, seg_size);
    if (!oldest) {
      return fail("no WAL segment files for timeline " + std::to_string(tli.get()) + " in \"" + pg_wal + "\"");
    }
    start = wal::segment_start(*oldest, seg_size);
  }

  wal::WalReader reader(pg_wal, seg_size, tli);
  reader.seek(*start);
  for (;;) {
    if (end && reader.position() >= *end) break;
    auto next = reader.next();
    if (auto* stop = std::get_if<wal::WalEnd>(&next)) {
      // The WAL may end exactly at -e: that still reached the requested end.
      if (end && stop->at >= *end) break;
      if (stop->kind == wal::WalEndKind::MissingSegment) return fail(wal::describe_end(*stop));
      return fail("error in WAL record at " + stop->at.str() + ": " + stop->reason);
    }
    const auto& rec = std::get<wal::WalRecord>(next);
    // As pg_waldump: a record that ends beyond -e is not printed.
    if (end && rec.end > *end) break;
    print_msg(wal::describe_record(rec) + "\n");
  }
  print_stderr_line("pmctl: reached end LSN " + end->str());
  return kExitOk;
}

}  // namespace pmemu::pmctl
