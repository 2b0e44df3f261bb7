#include "RedisReply.h"

#include <QLocale>

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <cstring>
#include <limits>
#include <vector>

namespace rqc {

RedisReply RedisReply::error(const QByteArray& text)
{
    RedisReply r;
    r.type = Type::Error;
    r.str = text;
    return r;
}

QByteArray RedisReply::toDebugString() const
{
    switch (type) {
    case Type::Nil:
        return "(nil)";
    case Type::Status:
    case Type::Error:
    case Type::String:
        return str;
    case Type::Integer:
        return QByteArray::number(integer);
    case Type::Array: {
        QByteArray out = "[";
        for (qsizetype i = 0; i < elements.size(); ++i) {
            if (i)
                out += ", ";
            out += elements[i].toDebugString();
        }
        return out + "]";
    }
    }
    return {};
}

void appendCommand(QByteArray& out, const QList<QByteArray>& argv)
{
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    ptrs.reserve(size_t(argv.size()));
    lens.reserve(size_t(argv.size()));
    for (const QByteArray& a : argv) {
        ptrs.push_back(a.constData());
        lens.push_back(size_t(a.size()));
    }
    char* cmd = nullptr;
    const int len = redisFormatCommandArgv(&cmd, int(argv.size()), ptrs.data(), lens.data());
    if (len > 0 && cmd)
        out.append(cmd, len);
    redisFreeCommand(cmd);
}

QByteArray encodeCommand(const QList<QByteArray>& argv)
{
    QByteArray out;
    appendCommand(out, argv);
    return out;
}

// hiredis calls these while parsing. The root reply is heap-allocated; nested replies are
// appended to their parent's element list as they arrive (reserved only for what the buffered
// bytes can hold, never from the wire's count alone).
// hiredis fills an array depth-first, so when a sibling is appended (and the list may move), the
// earlier siblings are complete and hiredis holds no pointer into them: the pointers it keeps
// (the open arrays) stay valid. No exception may cross hiredis's C frames: each callback turns
// one into a null result, which hiredis reports as out of memory.
namespace {

RedisReply* place(const redisReadTask* task, RedisReply&& value)
{
    if (task->parent) {
        auto* parent = static_cast<RedisReply*>(task->parent->obj);
        parent->elements.append(std::move(value));
        return &parent->elements.last();
    }
    return new RedisReply(std::move(value));
}

template <typename F> void* guarded(F&& make) noexcept
{
    try {
        return make();
    } catch (...) {
        return nullptr;
    }
}

void* createString(const redisReadTask* task, char* str, size_t len)
{
    return guarded([&] {
        RedisReply r;
        switch (task->type) {
        case REDIS_REPLY_ERROR:
            r.type = RedisReply::Type::Error;
            break;
        case REDIS_REPLY_STATUS:
            r.type = RedisReply::Type::Status;
            break;
        default:
            r.type = RedisReply::Type::String;
            break;
        }
        r.str = QByteArray(str, qsizetype(len));
        return place(task, std::move(r));
    });
}

// The reader whose redisReaderGetReply() is running on this thread (set by RespReader::next()).
thread_local const redisReader* t_reader = nullptr;

void* createArray(const redisReadTask* task, int elements)
{
    return guarded([&] {
        RedisReply r;
        r.type = RedisReply::Type::Array;
        // Room for as many elements as the bytes already buffered can hold (3 bytes at least
        // each, "+\r\n"), never for what is only announced.
        if (elements > 0 && t_reader) {
            const auto fit = qsizetype((t_reader->len - t_reader->pos) / 3);
            r.elements.reserve(qMin(qsizetype(elements), fit));
        }
        return place(task, std::move(r));
    });
}

void* createInteger(const redisReadTask* task, long long value)
{
    return guarded([&] {
        RedisReply r;
        r.type = RedisReply::Type::Integer;
        r.integer = value;
        return place(task, std::move(r));
    });
}

void* createNil(const redisReadTask* task)
{
    return guarded([&] { return place(task, RedisReply{}); });
}

void freeObject(void* obj) { delete static_cast<RedisReply*>(obj); }

redisReplyObjectFunctions g_functions = {createString, createArray, createInteger, createNil,
                                         freeObject};

// Bytes from the peer, readable in one line: printable ASCII as is, the rest as \xNN.
QString escaped(const QByteArray& bytes, qsizetype max = 60)
{
    QString out;
    for (qsizetype i = 0; i < bytes.size() && i < max; ++i) {
        const auto c = uchar(bytes[i]);
        if (c == '\r')
            out += QLatin1String("\\r");
        else if (c == '\n')
            out += QLatin1String("\\n");
        else if (c >= 0x20 && c < 0x7f && c != '\\')
            out += QLatin1Char(char(c));
        else
            out += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > max)
        out += QChar(0x2026);
    return out;
}

QString number(qint64 n) { return QLocale().toString(n); }

QString dataSize(qint64 n)
{
    return QLocale().formattedDataSize(n, 0, QLocale::DataSizeTraditionalFormat);
}

// A RESP length or integer: an optional '-' and 1 to 19 digits, nothing else, no overflow.
bool parseNumber(const char* p, qsizetype n, qint64* out)
{
    bool negative = false;
    if (n > 0 && *p == '-') {
        negative = true;
        ++p;
        --n;
    }
    if (n < 1 || n > 19)
        return false;
    quint64 v = 0;
    for (qsizetype i = 0; i < n; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + quint64(p[i] - '0');
    }
    if (v > quint64(std::numeric_limits<qint64>::max()))
        return false;
    *out = negative ? -qint64(v) : qint64(v);
    return true;
}

bool isReplyType(char c) { return c == '+' || c == '-' || c == ':' || c == '$' || c == '*'; }

constexpr qsizetype kMaxNumberLine = 32; // "$-9223372036854775808\r\n" is 23
constexpr qint64 kElementCost = qint64(sizeof(RedisReply));

} // namespace

RespReader::RespReader()
    : m_reader(redisReaderCreateWithFunctions(&g_functions))
{
    // Keep the internal buffer: large payloads arrive in many reads.
    if (m_reader)
        m_reader->maxbuf = 0;
    else
        setError(tr("Ran out of memory decoding a reply from the server."));
}

RespReader::~RespReader()
{
    if (m_reader)
        redisReaderFree(m_reader);
}

void RespReader::setMaxReplyBytes(qint64 bytes) { m_maxReplyBytes = qMax<qint64>(bytes, 1024); }

void RespReader::setError(const QString& text)
{
    if (!m_broken)
        m_error = text;
    m_broken = true;
}

QString RespReader::describeForeignPeer(const QByteArray& first) const
{
    QByteArray line = first;
    if (const qsizetype nl = line.indexOf('\n'); nl >= 0)
        line.truncate(nl);
    if (line.endsWith('\r'))
        line.chop(1);
    const QString shown = escaped(line);
    if (first.startsWith("HTTP/") || first.startsWith('<'))
        return tr("The server answered like an HTTP server, not Redis (it sent \"%1\"). Check the "
                  "host and port.")
            .arg(shown);
    if (first.startsWith("SSH-"))
        return tr("The server answered like an SSH server, not Redis (it sent \"%1\"). Check the "
                  "host and port.")
            .arg(shown);
    if (first.size() >= 2 && (first[0] == '\x15' || first[0] == '\x16') && first[1] == '\x03')
        return tr("The server answered with TLS, not plain Redis: use a rediss:// URL for this "
                  "port.");
    return tr("The server does not speak the Redis protocol: its first bytes were \"%1\". Check "
              "the host and port.")
        .arg(shown);
}

void RespReader::endValue()
{
    for (;;) {
        if (m_open.empty()) {
            m_replyBytes = 0; // the reply is complete
            m_replyCost = 0;
            return;
        }
        if (--m_open.back() > 0)
            return;
        m_open.pop_back(); // that array is complete: it was one element of its parent
    }
}

bool RespReader::scanHeader(const char* line, qsizetype size)
{
    // line ends in "\r\n" and starts with a valid type byte.
    const char type = line[0];
    const char* body = line + 1;
    const qsizetype bodySize = size - 3;
    if (m_open.empty() && m_replyCost == 0)
        m_replyCost = kElementCost; // the reply itself
    if (type == '+' || type == '-') {
        m_replyCost += bodySize;
        if (m_replyCost > m_maxReplyBytes) {
            setError(tr("The server sent a reply larger than the %1 limit for one reply.")
                         .arg(dataSize(m_maxReplyBytes)));
            return false;
        }
        endValue();
        return true;
    }
    qint64 n = 0;
    if (!parseNumber(body, bodySize, &n)) {
        setError(tr("Protocol error: the server sent \"%1\" where a number was expected.")
                     .arg(escaped(QByteArray(line, size - 2))));
        return false;
    }
    if (type == ':') {
        endValue();
        return true;
    }
    if (n == -1) { // nil
        endValue();
        return true;
    }
    if (n < 0) {
        setError(tr("Protocol error: the server announced a negative length (%1).").arg(n));
        return false;
    }
    if (type == '$') {
        if (n > m_maxReplyBytes) {
            setError(tr("The server announced a %1-byte value, above the %2 limit for one value.")
                         .arg(number(n), dataSize(m_maxReplyBytes)));
            return false;
        }
        m_replyCost += n;
        if (m_replyCost > m_maxReplyBytes) {
            setError(tr("The server sent a reply larger than the %1 limit for one reply.")
                         .arg(dataSize(m_maxReplyBytes)));
            return false;
        }
        m_bulkSize = n;
        m_bulkLeft = n + 2;
        return true;
    }
    // '*'
    if (qint64(m_open.size()) >= kMaxDepth) {
        setError(tr("Protocol error: the server nested arrays more than %1 levels deep.")
                     .arg(kMaxDepth));
        return false;
    }
    if (n > (m_maxReplyBytes - m_replyCost) / kElementCost || n > std::numeric_limits<int>::max()) {
        setError(tr("The server announced an array of %1 elements (about %2 once decoded), above "
                    "the %3 limit for one reply.")
                     .arg(number(n),
                          dataSize(n > std::numeric_limits<qint64>::max() / kElementCost
                                       ? std::numeric_limits<qint64>::max()
                                       : n * kElementCost),
                          dataSize(m_maxReplyBytes)));
        return false;
    }
    m_replyCost += n * kElementCost;
    if (n == 0)
        endValue();
    else
        m_open.push_back(n);
    return true;
}

bool RespReader::checkLine(const char* line, qsizetype size, bool complete)
{
    if (!isReplyType(line[0])) {
        const QByteArray bytes(line, size);
        if (m_streamBytes == 0) {
            // The peer's very first bytes: wait for its first line to say what it is.
            const bool bannerPrefix = QByteArray("HTTP/").startsWith(bytes.left(5)) ||
                                      QByteArray("SSH-").startsWith(bytes.left(4)) ||
                                      (size < 2 && (line[0] == '\x15' || line[0] == '\x16'));
            if (!complete && bannerPrefix && size < 80)
                return true;
            setError(describeForeignPeer(bytes));
        } else {
            setError(tr("Protocol error: the server sent \"%1\" where a reply type was expected.")
                         .arg(escaped(bytes.left(1))));
        }
        return false;
    }
    const bool numeric = line[0] != '+' && line[0] != '-';
    if (numeric ? size > kMaxNumberLine : size > m_maxReplyBytes) {
        setError(numeric ? tr("Protocol error: the server sent an over-long length (\"%1\").")
                               .arg(escaped(QByteArray(line, qMin(size, kMaxNumberLine))))
                         : tr("The server sent a reply larger than the %1 limit for one reply.")
                               .arg(dataSize(m_maxReplyBytes)));
        return false;
    }
    if (complete && (size < 3 || line[size - 2] != '\r')) {
        setError(tr("Protocol error: a line from the server ends in a bare line feed (\"%1\").")
                     .arg(escaped(QByteArray(line, size))));
        return false;
    }
    return true;
}

void RespReader::feed(const char* data, qsizetype size)
{
    if (m_broken || size <= 0)
        return;
    // Checked bytes are handed to hiredis in as few calls as possible: [spanStart, pos).
    qsizetype pos = 0;
    qsizetype spanStart = 0;
    const auto pass = [this](const char* p, qsizetype n) {
        if (n > 0 && redisReaderFeed(m_reader, p, size_t(n)) != REDIS_OK) {
            setError(tr("Ran out of memory decoding a reply from the server."));
            return false;
        }
        return true;
    };
    const auto flush = [&](qsizetype end) {
        const bool ok = pass(data + spanStart, end - spanStart);
        spanStart = end;
        return ok;
    };
    try {
        while (pos < size && !m_broken) {
            if (m_bulkLeft > 0) { // payload: passed through unread
                const qsizetype take = qsizetype(qMin<qint64>(m_bulkLeft, size - pos));
                pos += take;
                m_bulkLeft -= take;
                m_streamBytes += take;
                m_replyBytes += take;
                if (m_bulkLeft == 0) {
                    m_bulkSize = -1;
                    endValue();
                }
                continue;
            }
            const auto* nl =
                static_cast<const char*>(std::memchr(data + pos, '\n', size_t(size - pos)));
            if (nl && m_line.isEmpty()) { // a whole header line in this chunk: checked in place
                const char* line = data + pos;
                const qsizetype len = qsizetype(nl - line) + 1;
                if (!checkLine(line, len, true)) {
                    flush(pos);
                    return;
                }
                m_streamBytes += len;
                m_replyBytes += len;
                if (!scanHeader(line, len)) {
                    flush(pos);
                    return;
                }
                pos += len;
                continue;
            }
            // A header line split across feeds: held back until it is complete and checked.
            if (!flush(pos))
                return;
            const qsizetype end = nl ? qsizetype(nl - data) + 1 : size;
            m_line.append(data + pos, end - pos);
            pos = spanStart = end;
            if (!checkLine(m_line.constData(), m_line.size(), nl != nullptr) || !nl)
                return;
            const QByteArray line = std::move(m_line);
            m_line = QByteArray();
            m_streamBytes += line.size();
            m_replyBytes += line.size();
            if (!scanHeader(line.constData(), line.size()) || !pass(line.constData(), line.size()))
                return;
        }
        flush(pos);
    } catch (...) {
        setError(tr("Ran out of memory decoding a reply from the server."));
    }
}

RespReader::Status RespReader::next(RedisReply& out)
{
    if (!m_reader)
        return Status::ProtocolError;
    void* obj = nullptr;
    t_reader = m_reader;
    const int rc = redisReaderGetReply(m_reader, &obj);
    t_reader = nullptr;
    if (rc != REDIS_OK) {
        // The scanner lets only well-formed bytes through: what is left is memory.
        setError(m_reader->err == REDIS_ERR_OOM
                     ? tr("Ran out of memory decoding a reply from the server.")
                     : tr("Protocol error: %1.").arg(QString::fromUtf8(m_reader->errstr)));
        return Status::ProtocolError;
    }
    if (!obj)
        return m_broken ? Status::ProtocolError : Status::NeedMore;
    auto* reply = static_cast<RedisReply*>(obj);
    out = std::move(*reply);
    delete reply;
    return Status::Reply;
}

QString RespReader::partialReplyText() const
{
    const qint64 arrived = m_replyBytes + m_line.size();
    if (arrived == 0)
        return {};
    QString text = tr("%1 bytes of a reply had arrived").arg(number(arrived));
    if (m_bulkSize >= 0 && m_bulkLeft > 0) {
        const qint64 got = qMax<qint64>(0, m_bulkSize + 2 - m_bulkLeft);
        text = tr("%1 of a value of %2 bytes had arrived, %3 bytes of the reply in all")
                   .arg(number(qMin(got, m_bulkSize)), number(m_bulkSize), number(arrived));
    }
    return text;
}

} // namespace rqc
