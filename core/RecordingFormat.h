#pragma once

#include "Message.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace rqc {

// The JSON Lines format a pane records to (README.md, "Recording"): a header object on the first
// line, then one object per row. RecordingEncoder writes it, RecordingReader reads it back; later
// export and replay read it too, so a change here is a new version number.
inline constexpr int kRecordingVersion = 1;

// The first line of a recording.
struct RecordingHeader {
    int version = kRecordingVersion;
    qint64 startedMs = 0; // when recording began, ms since the epoch (UTC)
    QString server;       // ConnectionSettings::displayUrl(): never a password
    QString spec;         // the pane's ConsumerSpec::toString() when recording began
};

// One row of a peek pane's recording (PeekViewDiff): a row that entered the pane's view since
// the last recorded refresh (Peek: a list element, new or with other bytes; Entry: a stream
// entry) or left it (Gone). Peek panes have no messages: this is what they record instead.
struct PeekRecord {
    enum class Event { Peek, Entry, Gone };
    Event event = Event::Peek;
    qint64 timeMs = 0; // when the refresh read the key, ms since the epoch
    QByteArray key;
    QByteArray
        section;       // lists: "tail", "head" or "page" (PeekViewDiff::sectionOf); streams: "page"
    qint64 index = -1; // lists: LINDEX index, 0 = head (the Index column); -1 for streams
    qint64 position = -1; // lists: from the consuming end, 0 = next (the Position column)
    qint64 depth = 0;     // LLEN / XLEN at that refresh
    QByteArray payload;   // the element; streams: the "message" field, or the first value
    QByteArray id;        // streams: the entry id
    QList<QPair<QByteArray, QByteArray>> fields; // streams (Entry rows): every field and value

    static const char* eventName(Event event);
};

// One recorded row: the pane's mode and target when it arrived, the event ("message", the
// observed command, or a peek event), and the message itself (observed is set for observe rows).
struct RecordedRow {
    qint64 line = 0; // 1-based line in the file
    QString mode;    // ConsumerSpec::modeName()
    QByteArray target;
    QByteArray event;
    Message message;
    // Peek rows (PeekRecord): where the row was in the view, and the depth; -1 / empty elsewhere.
    QByteArray section;
    qint64 index = -1;
    qint64 position = -1;
    qint64 depth = -1;
};

inline const char* PeekRecord::eventName(Event event)
{
    switch (event) {
    case Event::Peek:
        return "peek";
    case Event::Entry:
        return "entry";
    case Event::Gone:
        break;
    }
    return "gone";
}

} // namespace rqc
