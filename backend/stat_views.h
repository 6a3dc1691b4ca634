// The pg_stat_* views a session can SELECT * FROM, built from shared memory.
#pragma once

#include <string>

#include "protocol/wire.h"

namespace pmemu::backend {

// pid, backend_type, state, client_addr, query, wait_event: one row per live process slot.
void write_pg_stat_activity(protocol::Buffer& out);
// The replication issue fills these; until walsenders and a walreceiver
// exist there are no rows to show, exactly as on a PostgreSQL primary with no
// standbys (and a server that is not a standby).
void write_pg_stat_replication(protocol::Buffer& out);
void write_pg_stat_wal_receiver(protocol::Buffer& out);
// pid, backend_type, queued, sent, received, bytes, full_waits: one row per
// process with a message queue (stat_imessage.cpp).
void write_pg_stat_imessage(protocol::Buffer& out);
// name, process, action, armed, hits, fired: one row per fault point
// (stat_fault_points.cpp).
void write_pg_fault_points(protocol::Buffer& out);
// "FaultPoint:NAME" for a process parked at a fault point's `wait`, else "".
std::string fault_wait_event(long long pid);

}  // namespace pmemu::backend
