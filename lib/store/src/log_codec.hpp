// SPDX-License-Identifier: MIT
// Internal: a batch of journal records as one compact blob (a row of the `log` table), and back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client_lists.hpp"
#include "mqtk/broker/journal.hpp"

namespace mqtk::store::detail {

/// Design: one byte of format version, then each record as its variant index and its fields:
/// integers as LEB128 varints, strings and blobs length first, optional fields behind a 0/1
/// byte, times as Unix milliseconds (the tables' precision, so a record saved in the log and
/// one folded into the tables restore alike), properties as message_blob writes them. A batch
/// costs about its payload bytes plus a few bytes per record, and no statement per record.
/// A fan-out's clients are a list id of `lists` (which may give the list one: the caller writes
/// its fresh lists with the blob).
void encode_log(const std::vector<broker::journal_record>& records, client_lists& lists,
                std::string& out);
/// Appends the records of `blob` to `out`. False when the blob does not decode (a torn or edited
/// row, or a list id `lists` does not know): then `out` may hold some of its records, and the
/// caller refuses the file.
bool decode_log(std::string_view blob, const client_lists& lists,
                std::vector<broker::journal_record>& out);

} // namespace mqtk::store::detail
