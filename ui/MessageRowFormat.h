#pragma once

#include "Message.h"
#include "MessageModel.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

// How MessageModel shows parts of a row: tooltips, state colours, source text. Free functions with
// no strings to translate (the translated texts stay in MessageModel).
namespace rqc::MessageRowFormat {

// The first `bytes` of the payload, cut back so that no UTF-8 sequence is split.
QByteArray utf8Prefix(const QByteArray& payload, int bytes);
// A longer look than the one-line preview: a few lines of text, or the first bytes in hex.
// Returned as rich text so that a payload which looks like HTML is shown, not rendered.
QString payloadToolTip(const QByteArray& payload);
// The source, after its pattern when it came through one ("news.* → news.eu").
QString sourceText(const Message& m);
// "name (addr)" → "name"; an address alone stays as it is.
QString shortClient(const QByteArray& who);
// A stream entry without the pane's payload field (its payload is empty, its fields are not): it is
// shown by its fields rather than as an empty payload.
bool showsFields(const Message& m);
// The entry's fields on one line, "order=513 amount=12.50 currency=EUR" (at most maxChars).
QString fieldsPreview(const Message& m, int maxChars);
// The entry's fields, one "name = value" line each (values as preview() shows them).
QString fieldsText(const Message& m);
// The bytes of the entry's names and values.
qsizetype fieldsBytes(const Message& m);
// An observation with no client (a keyspace event).
bool isEventOnly(const Observation& o);
bool isSettled(MessageModel::RowState state);
// The background of a row in `state`; invalid for states shown without one.
QVariant stateColor(MessageModel::RowState state);

} // namespace rqc::MessageRowFormat
