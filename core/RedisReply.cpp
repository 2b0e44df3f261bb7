#include "RedisReply.h"

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

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

// hiredis calls these while parsing. The root reply is heap-allocated; nested replies live inside
// their parent's pre-sized element list, so pointers to them stay valid while the array fills.
namespace {

RedisReply* place(const redisReadTask* task, RedisReply&& value)
{
    if (task->parent) {
        auto* parent = static_cast<RedisReply*>(task->parent->obj);
        RedisReply& slot = parent->elements[task->idx];
        slot = std::move(value);
        return &slot;
    }
    return new RedisReply(std::move(value));
}

void* createString(const redisReadTask* task, char* str, size_t len)
{
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
}

void* createArray(const redisReadTask* task, int elements)
{
    RedisReply r;
    r.type = RedisReply::Type::Array;
    if (elements > 0)
        r.elements.resize(elements);
    return place(task, std::move(r));
}

void* createInteger(const redisReadTask* task, long long value)
{
    RedisReply r;
    r.type = RedisReply::Type::Integer;
    r.integer = value;
    return place(task, std::move(r));
}

void* createNil(const redisReadTask* task) { return place(task, RedisReply{}); }

void freeObject(void* obj) { delete static_cast<RedisReply*>(obj); }

redisReplyObjectFunctions g_functions = {createString, createArray, createInteger, createNil,
                                         freeObject};

} // namespace

RespReader::RespReader()
    : m_reader(redisReaderCreateWithFunctions(&g_functions))
{
    // Keep the internal buffer: large payloads arrive in many reads.
    m_reader->maxbuf = 0;
}

RespReader::~RespReader() { redisReaderFree(m_reader); }

void RespReader::feed(const char* data, qsizetype size)
{
    if (size > 0)
        redisReaderFeed(m_reader, data, size_t(size));
}

RespReader::Status RespReader::next(RedisReply& out)
{
    void* obj = nullptr;
    if (redisReaderGetReply(m_reader, &obj) != REDIS_OK) {
        m_error = QByteArray(m_reader->errstr);
        return Status::ProtocolError;
    }
    if (!obj)
        return Status::NeedMore;
    auto* reply = static_cast<RedisReply*>(obj);
    out = std::move(*reply);
    delete reply;
    return Status::Reply;
}

} // namespace rqc
