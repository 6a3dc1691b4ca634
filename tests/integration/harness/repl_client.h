// A physical replication connection driven by hand: the commands a
// walreceiver or pg_receivewal sends, with every result and message kept,
// so a scenario can check the walsender's answers one by one. Every wait
// has a deadline and fails the test when it passes.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/harness/cluster.h"

namespace pmemu::integration {

struct ReplResult {
  ExecStatusType status = PGRES_FATAL_ERROR;
  std::string tag;       // command tag
  std::string sqlstate;  // errors only
  std::string message;
  std::string detail;
  std::vector<std::string> columns;
  std::vector<Oid> types;
  std::vector<std::vector<std::string>> rows;
  [[nodiscard]] std::string describe() const;
};

class ReplClient {
 public:
  // Connects with replication=true; REQUIREs success.
  explicit ReplClient(const Cluster& c);
  ~ReplClient();
  ReplClient(const ReplClient&) = delete;
  ReplClient& operator=(const ReplClient&) = delete;

  // Sends one command; returns its results up to ReadyForQuery, or up to
  // and including PGRES_COPY_BOTH (the COPY is then open).
  std::vector<ReplResult> command(const std::string& sql);

  // Reads the open COPY until the server's CopyDone. Returns the WAL bytes
  // of the XLogData messages, which must follow each other from `start`.
  std::string wal_until_copy_done(std::uint64_t start);

  // Our CopyDone, then the results that follow up to ReadyForQuery.
  std::vector<ReplResult> end_copy();

 private:
  void wait_readable();
  std::vector<ReplResult> collect();

  PGconn* conn_ = nullptr;
};

}  // namespace pmemu::integration
