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
// An observation with no client (a keyspace event).
bool isEventOnly(const Observation& o);
bool isSettled(MessageModel::RowState state);
// The background of a row in `state`; invalid for states shown without one.
QVariant stateColor(MessageModel::RowState state);

} // namespace rqc::MessageRowFormat
