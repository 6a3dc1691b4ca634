// What the server sends: each function appends one complete, framed message
// to `out`. The caller batches them and writes the buffer when it wants to
// (PostgreSQL flushes before waiting for input). Layouts: docs/protocol.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/strong_id.h"
#include "protocol/pg_error.h"
#include "protocol/wire.h"

namespace pmemu::protocol {

// --- authentication ('R'); codes are wire values, do not renumber ---
void auth_ok(Buffer& out);                                            // 0
void auth_cleartext_password(Buffer& out);                            // 3
void auth_md5_password(Buffer& out, const std::uint8_t (&salt)[4]);   // 5
void auth_sasl(Buffer& out, const std::vector<std::string>& mechanisms);  // 10
void auth_sasl_continue(Buffer& out, std::string_view data);          // 11
void auth_sasl_final(Buffer& out, std::string_view data);             // 12

void parameter_status(Buffer& out, std::string_view name, std::string_view value);  // 'S'
void backend_key_data(Buffer& out, Pid pid, std::uint32_t key);                      // 'K'

// 'Z' with PostgreSQL's transaction status byte.
enum class TransactionStatus : char { Idle = 'I', InTransaction = 'T', Failed = 'E' };
void ready_for_query(Buffer& out, TransactionStatus status);

// Types of result columns: pg_type OID and typlen (-1 = varlena).
struct ColumnType {
  std::uint32_t oid;
  std::int16_t typlen;
};
inline constexpr ColumnType kTextType{25, -1};
inline constexpr ColumnType kInt4Type{23, 4};
inline constexpr ColumnType kInt8Type{20, 8};
inline constexpr ColumnType kBoolType{16, 1};
inline constexpr ColumnType kOidType{26, 4};
inline constexpr ColumnType kTimestamptzType{1184, 8};
inline constexpr ColumnType kNumericType{1700, -1};

struct Column {
  std::string name;
  ColumnType type;
};

// 'T': every column in text format, no table OID/attnum, typmod -1.
void row_description(Buffer& out, const std::vector<Column>& columns);
// 'D': nullopt is SQL NULL (length -1).
void data_row(Buffer& out, const std::vector<std::optional<std::string>>& values);
void command_complete(Buffer& out, std::string_view tag);  // 'C'
void empty_query_response(Buffer& out);                     // 'I'

// 'E' / 'N' with fields S, V, C, M and, when non-empty, D and H.
void error_response(Buffer& out, const PgError& error);
void notice_response(Buffer& out, const PgError& notice);

// COPY (all columns text format).
void copy_both_response(Buffer& out);                       // 'W', Int8 0, Int16 0
void copy_out_response(Buffer& out, std::int16_t columns);  // 'H'
void copy_data(Buffer& out, std::string_view data);         // 'd'
void copy_done(Buffer& out);                                // 'c'

// 'v': we speak 3.0 only; lists the _pq_ options we did not recognise.
void negotiate_protocol_version(Buffer& out, std::uint16_t newest_minor,
                                const std::vector<std::string>& unrecognised_options);

}  // namespace pmemu::protocol
