// `pmctl basebackup`: a later issue (BASE_BACKUP over a replication
// connection). Until then it fails clearly instead of half-working.
#include "pmctl/commands.h"
#include "pmctl/report.h"

namespace pmemu::pmctl {

int run_basebackup(const BasebackupOptions&) { return fail("basebackup is not implemented yet"); }

}  // namespace pmemu::pmctl
