#pragma once

// Internals shared by the decoders of PayloadDecoder (not for use elsewhere).
#include "PayloadDecoder.h"

#include <QByteArray>
#include <QString>

namespace rqc::PayloadDecoder::detail {

// Where and why a decoder stopped. atEnd: it ran out of bytes (a cut input may end so).
struct Failure {
    qint64 offset = 0;
    QString reason;
    bool atEnd = false;
};

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1);

// Collects a rendering up to a character budget; once full, further text is dropped and the
// result says it was cut.
class Writer {
public:
    explicit Writer(const Options& options)
        : m_max(qMax(16, options.maxChars))
        , m_compact(options.compact)
    {
    }
    bool compact() const { return m_compact; }
    bool full() const { return m_out.size() >= m_max; }
    bool cut() const { return m_cut; }
    void add(const QString& s);
    void add(QLatin1String s);
    void add(char c) { add(QLatin1String(&c, 1)); }
    // A line break and indentation in the indented form, `compactSep` in the compact one.
    void breakLine(int depth, int indentWidth, QLatin1String compactSep);
    QString take();

private:
    QString m_out;
    int m_max;
    bool m_compact;
    bool m_cut = false;
};

// A byte string as a double-quoted literal: UTF-8 shown as text, other bytes as \xNN, controls
// escaped (one line), at most maxChars characters.
QString quoted(const QByteArray& bytes, int maxChars = 4096);
// The first maxBytes as lower-case hex without spaces, "…" when there are more.
QString hexBytes(const uchar* p, qint64 size, int maxBytes = 32);

bool renderMsgpack(const QByteArray& in, Writer& w, Failure* fail);
bool renderProtobuf(const QByteArray& in, Writer& w, Failure* fail);
// requireStopAtEnd: bytes after STOP are an error (Auto), else a note.
bool renderPickle(const QByteArray& in, Writer& w, bool requireStopAtEnd, Failure* fail);

// Decompression with a cap on the output: *cut says the cap was hit.
bool inflateZlib(const QByteArray& in, bool gzip, qint64 maxOutput, QByteArray* out, bool* cut,
                 Failure* fail);
bool decompressZstd(const QByteArray& in, qint64 maxOutput, QByteArray* out, bool* cut,
                    Failure* fail);
// Standard or URL-safe alphabet, padding optional, ASCII white space ignored.
bool decodeBase64(const QByteArray& in, QByteArray* out, Failure* fail);

} // namespace rqc::PayloadDecoder::detail
