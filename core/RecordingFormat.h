#pragma once

#include "Message.h"

#include <QByteArray>
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

// One recorded row: the pane's mode and target when it arrived, the event ("message", or the
// observed command), and the message itself (observed is set for observe rows).
struct RecordedRow {
    qint64 line = 0; // 1-based line in the file
    QString mode;    // ConsumerSpec::modeName()
    QByteArray target;
    QByteArray event;
    Message message;
};

} // namespace rqc
