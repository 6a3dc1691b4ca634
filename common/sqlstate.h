// The SQLSTATE codes pmemu sends or logs, with PostgreSQL's condition names
// (errcodes.txt). Every error that reaches a client names its code from here.
#pragma once

#include <string_view>

namespace pmemu::sqlstate {
inline constexpr std::string_view kSuccessfulCompletion = "00000";
inline constexpr std::string_view kWarning = "01000";
inline constexpr std::string_view kConnectionFailure = "08006";
inline constexpr std::string_view kProtocolViolation = "08P01";
inline constexpr std::string_view kFeatureNotSupported = "0A000";
inline constexpr std::string_view kInvalidParameterValue = "22023";
inline constexpr std::string_view kNotNullViolation = "23502";
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kReadOnlySqlTransaction = "25006";
inline constexpr std::string_view kInvalidAuthorizationSpecification = "28000";
inline constexpr std::string_view kInvalidPassword = "28P01";
inline constexpr std::string_view kSyntaxError = "42601";
inline constexpr std::string_view kCharacterNotInRepertoire = "22021";
inline constexpr std::string_view kInsufficientPrivilege = "42501";
inline constexpr std::string_view kInvalidName = "42602";
inline constexpr std::string_view kNameTooLong = "42622";
inline constexpr std::string_view kUndefinedColumn = "42703";
inline constexpr std::string_view kUndefinedFunction = "42883";
inline constexpr std::string_view kUndefinedTable = "42P01";
inline constexpr std::string_view kUndefinedObject = "42704";
inline constexpr std::string_view kDuplicateObject = "42710";
inline constexpr std::string_view kTooManyConnections = "53300";
inline constexpr std::string_view kOutOfMemory = "53200";
inline constexpr std::string_view kDiskFull = "53100";
inline constexpr std::string_view kProgramLimitExceeded = "54000";
inline constexpr std::string_view kObjectInUse = "55006";
inline constexpr std::string_view kQueryCanceled = "57014";
inline constexpr std::string_view kIdleSessionTimeout = "57P05";
inline constexpr std::string_view kAdminShutdown = "57P01";
inline constexpr std::string_view kCrashShutdown = "57P02";
inline constexpr std::string_view kCannotConnectNow = "57P03";
inline constexpr std::string_view kInternalError = "XX000";
inline constexpr std::string_view kNumericValueOutOfRange = "22003";
inline constexpr std::string_view kDependentObjectsStillExist = "2BP01";
inline constexpr std::string_view kDuplicateColumn = "42701";
inline constexpr std::string_view kInvalidColumnReference = "42P10";
inline constexpr std::string_view kReservedName = "42939";
inline constexpr std::string_view kConfigurationLimitExceeded = "53400";
inline constexpr std::string_view kObjectNotInPrerequisiteState = "55000";
inline constexpr std::string_view kCantChangeRuntimeParam = "55P02";
inline constexpr std::string_view kUndefinedFile = "58P01";
inline constexpr std::string_view kConfigFileError = "F0000";
}  // namespace pmemu::sqlstate
