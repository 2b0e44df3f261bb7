#include "PaneRecorder.h"

#include "RecordingWriter.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

namespace rqc {

namespace {
constexpr int kCountTickMs = 250;
constexpr quint64 kWaitingShownFrom = 100000;
const QString kRecordOption = QStringLiteral("record");
} // namespace

PaneRecorder::PaneRecorder(QWidget* parent)
    : QLabel(parent)
    , m_writer(new RecordingWriter(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("recordingLabel"));
    setTextFormat(Qt::PlainText);
    setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    setVisible(false);
    m_timer->setInterval(kCountTickMs);
    connect(m_timer, &QTimer::timeout, this, &PaneRecorder::updateText);
    connect(m_writer, &RecordingWriter::failed, this, [this](const QString& sentence) {
        setRecording(false);
        emit errorOccurred(sentence);
    });
}

PaneRecorder::~PaneRecorder() = default;

ConsumerSpec PaneRecorder::takeRecordOption(const ConsumerSpec& spec)
{
    ConsumerSpec rest = spec;
    const QString file = rest.options.take(kRecordOption);
    if (!file.isEmpty() && !(m_recording && QFileInfo(file).absoluteFilePath() == m_path))
        start(file, rest);
    return rest;
}

void PaneRecorder::setServer(const QString& displayUrl)
{
    m_server = displayUrl;
    if (m_waitingForServer)
        startWriter();
}

void PaneRecorder::start(const QString& path, const ConsumerSpec& spec)
{
    if (m_recording)
        m_writer->stop();
    m_path = QFileInfo(path).absoluteFilePath();
    ConsumerSpec headerSpec = spec;
    headerSpec.options.remove(kRecordOption);
    m_headerSpec = headerSpec.toString();
    m_spec = headerSpec;
    m_waitingForServer = m_server.isEmpty();
    m_peekDiff.reset(); // a new file starts with the whole view
    if (!m_waitingForServer)
        startWriter();
    setRecording(true);
    // A peek pane's view as it is now is the recording's first rows (refreshes may be seconds
    // apart with notifications on).
    if (headerSpec.mode == Mode::Peek && m_lastPeekSpec.target == headerSpec.target)
        recordLastPeek();
}

void PaneRecorder::startWriter()
{
    m_waitingForServer = false;
    RecordingHeader header;
    header.startedMs = QDateTime::currentMSecsSinceEpoch();
    header.server = m_server;
    header.spec = m_headerSpec;
    m_writer->start(m_path, header);
    m_peekDiff.reset();
}

void PaneRecorder::stop()
{
    if (!m_recording)
        return;
    m_writer->stop(); // flushes and closes in the background
    m_waitingForServer = false;
    setRecording(false);
}

void PaneRecorder::record(const MessageList& batch, const ConsumerSpec& spec)
{
    if (m_recording)
        m_writer->append(batch, spec.mode, spec.target);
}

void PaneRecorder::recordPeek(const PeekSnapshot& snapshot, const ConsumerSpec& spec)
{
    if (!snapshot.error.isEmpty())
        return; // a failed refresh shows nothing new: keep comparing with the last good one
    m_lastPeek = snapshot; // empty (no key) when the peek view stopped
    m_lastPeekSpec = spec;
    recordLastPeek();
}

void PaneRecorder::recordLastPeek()
{
    if (!m_recording || m_waitingForServer || m_lastPeekSpec.mode != Mode::Peek ||
        m_lastPeek.key.isEmpty())
        return;
    const QList<PeekRecord> rows = m_peekDiff.next(m_lastPeek);
    m_writer->appendPeek(rows, m_lastPeekSpec.mode, m_lastPeekSpec.target);
}

quint64 PaneRecorder::rowsWritten() const { return m_writer->rowsWritten(); }

void PaneRecorder::setRecording(bool recording)
{
    if (!recording)
        m_waitingForServer = false;
    const bool changed = recording != m_recording;
    m_recording = recording;
    setVisible(recording);
    if (recording)
        m_timer->start();
    else
        m_timer->stop();
    updateText();
    if (changed)
        emit recordingChanged(recording);
}

void PaneRecorder::updateText()
{
    if (!m_recording) {
        clear();
        return;
    }
    const QString file = QFileInfo(m_path).fileName();
    const quint64 rows = m_waitingForServer ? 0 : m_writer->rowsWritten();
    QString text = rows == 1 ? tr("● recording to %1 — 1 row").arg(file)
                             : tr("● recording to %1 — %2 rows").arg(file, QString::number(rows));
    // During a flood the writer may fall behind (it catches up from memory): say so.
    const quint64 queued = m_writer->rowsQueued();
    if (queued > rows + kWaitingShownFrom)
        text += tr(" (%1 waiting to be written)").arg(queued - rows);
    setText(text);
    if (m_spec.mode == Mode::Peek)
        setToolTip(tr("At each refresh, the rows that came into this peek view or left it are "
                      "written to %1 (JSON Lines). File › Stop recording ends it.")
                       .arg(QDir::toNativeSeparators(m_path)));
    else
        setToolTip(tr("Every row this pane receives is written to %1 (JSON Lines), also while "
                      "the view is paused. File › Stop recording ends it.")
                       .arg(QDir::toNativeSeparators(m_path)));
}

} // namespace rqc
