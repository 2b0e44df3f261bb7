#pragma once

#include "ConsumerSpec.h"
#include "Message.h"
#include "PeekReader.h"
#include "PeekViewDiff.h"

#include <QLabel>
#include <QString>

class QTimer;

namespace rqc {

class RecordingWriter;

// Records every row a pane receives to a JSON Lines file (README.md, "Recording"), and shows
// that it does: "● recording to FILE — N rows" (objectName recordingLabel, hidden otherwise).
// The pane hands it each batch as it arrives — before pausing or the view's ring buffer can
// hold rows back or drop them — and the RecordingWriter encodes and writes on its own thread.
// A peek pane has no batches: it hands over each refresh, and what entered or left its view
// since the last recorded refresh is recorded (PeekViewDiff).
// record=FILE is a recording, not part of what the consumer does: takeRecordOption() lifts it
// out of a spec, so switching it never restarts a consumer and a saved layout never resumes
// (and overwrites) a recording by itself.
class PaneRecorder : public QLabel {
    Q_OBJECT
public:
    explicit PaneRecorder(QWidget* parent = nullptr);
    ~PaneRecorder() override; // flushes and closes the file

    // Starts recording to the file of spec's record= option (when there is one and it is not
    // the file already being recorded); returns spec without the option.
    ConsumerSpec takeRecordOption(const ConsumerSpec& spec);
    // The server the rows come from (displayUrl: no password), for the header. Recording that
    // was asked for before the pane had a server starts now.
    void setServer(const QString& displayUrl);
    // Records to path (truncated) from now on; spec goes into the header.
    void start(const QString& path, const ConsumerSpec& spec);
    void stop();
    // Hands a batch over; every row is recorded, in order.
    void record(const MessageList& batch, const ConsumerSpec& spec);
    // A peek pane's refresh (also while not recording: a recording started later begins with
    // the view as it is). Records the rows that entered or left the view (PeekViewDiff).
    void recordPeek(const PeekSnapshot& snapshot, const ConsumerSpec& spec);

    bool isRecording() const { return m_recording; }
    QString path() const { return m_path; }
    quint64 rowsWritten() const;
    RecordingWriter* writer() const { return m_writer; }

signals:
    void recordingChanged(bool recording);
    // The recording stopped on an error (a sentence with the file and the system's reason).
    void errorOccurred(const QString& sentence);

private:
    void startWriter();
    void setRecording(bool recording);
    void updateText();
    void recordLastPeek();

    RecordingWriter* m_writer = nullptr;
    QTimer* m_timer = nullptr;
    QString m_server;
    QString m_path;
    QString m_headerSpec;
    ConsumerSpec m_spec; // the spec recording began with (its mode chooses the tooltip)
    PeekViewDiff m_peekDiff;
    PeekSnapshot m_lastPeek; // the peek pane's last refresh, rows on screen only
    ConsumerSpec m_lastPeekSpec;
    bool m_recording = false;
    bool m_waitingForServer = false;
};

} // namespace rqc
