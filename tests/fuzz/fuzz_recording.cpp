// libFuzzer target for the recording reader (core/RecordingReader): any file must be refused
// with a sentence or read row by row, bad lines listed as problems, never crash. The input is
// read both as one file through RecordingReader and line by line through parseHeader/parseRow.
#include "FuzzSupport.h"
#include "RecordingReader.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <unistd.h>

namespace {
QString g_path;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    g_path = QStringLiteral("%1/rq_fuzz_recording_%2.jsonl")
                 .arg(QString::fromLatin1(dir))
                 .arg(qint64(getpid()));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const QList<QByteArray> lines = bytes.split('\n');
    QString why;
    rqc::RecordingHeader header;
    if (!rqc::RecordingReader::parseHeader(lines.value(0), &header, &why))
        RQ_FUZZ_CHECK(!why.isEmpty());
    for (qsizetype i = 1; i < lines.size(); ++i) {
        rqc::RecordedRow row;
        why.clear();
        if (!rqc::RecordingReader::parseRow(lines.at(i), &row, &why))
            RQ_FUZZ_CHECK(!why.isEmpty());
    }

    {
        QFile file(g_path);
        RQ_FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        RQ_FUZZ_CHECK(file.write(bytes) == bytes.size());
    }
    rqc::RecordingReader reader(g_path);
    if (!reader.open()) {
        RQ_FUZZ_CHECK(!reader.error().isEmpty());
        return 0;
    }
    const QList<rqc::RecordedRow> rows = reader.readAll();
    RQ_FUZZ_CHECK(rows.size() + reader.problemCount() <= lines.size());
    for (const rqc::RecordingReader::Problem& p : reader.problems())
        RQ_FUZZ_CHECK(p.line >= 2 && !p.reason.isEmpty());
    return 0;
}
