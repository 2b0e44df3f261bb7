#pragma once

#include "RecordingFormat.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QList>
#include <QString>

namespace rqc {

// Reads a recording (RecordingFormat.h) back: the header, then one row at a time. Every line is
// validated; a bad line is skipped and listed in problems() with its line number and why (a row
// cut short by a crash is one of them), so what can be read is read and nothing crashes.
class RecordingReader {
    Q_DECLARE_TR_FUNCTIONS(rqc::RecordingReader)

public:
    struct Problem {
        qint64 line = 0;
        QString reason;
    };

    explicit RecordingReader(const QString& path);

    // Opens the file and reads the header line. False (with error()) when the file cannot be
    // read or does not start with a recording header of a version this build understands.
    bool open();
    const RecordingHeader& header() const { return m_header; }
    // The next valid row; false at the end of the file (or on a read error, see error()).
    bool next(RecordedRow* row);
    // Reads every remaining row.
    QList<RecordedRow> readAll();

    QString error() const { return m_error; }
    // Bad lines so far, in order (at most kMaxProblems kept; problemCount() has them all).
    QList<Problem> problems() const { return m_problems; }
    qint64 problemCount() const { return m_problemCount; }
    static constexpr int kMaxProblems = 1000;

    // One line without its newline; false with a reason. Used by next(), open to tests.
    static bool parseRow(const QByteArray& line, RecordedRow* row, QString* why);
    static bool parseHeader(const QByteArray& line, RecordingHeader* header, QString* why);

private:
    void addProblem(qint64 line, const QString& reason);

    QString m_path;
    QFile m_file;
    RecordingHeader m_header;
    qint64 m_line = 0;
    QString m_error;
    QList<Problem> m_problems;
    qint64 m_problemCount = 0;
};

} // namespace rqc
