// A stand-in for an application's own worker, for observe tests: a plain blocking hiredis client
// named with CLIENT SETNAME that consumes a queue and logs what it took, one line each:
//   READY
//   TOOK <payload in hex> [<stream id>]
// Modes:
//   brpop     BRPOP <queue> 1
//   reliable  BLMOVE <queue> <queue>:processing:<name> RIGHT LEFT 1, then LREM it (the ack)
//   stream    XREADGROUP GROUP <group> <name> COUNT 10 BLOCK 1000 STREAMS <queue> >, then XACK
// Usage: rq_worker_helper <host> <port> <name> <mode> <queue> [group]
// RQ_WORKER_ACK_DELAY_MS=N: reliable and stream modes hold each message N ms before the ack (as a
// worker busy processing it), so a poller can see it in flight.
// Runs until killed.
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {
redisReply* command(redisContext* c, const std::vector<std::string>& argv)
{
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const std::string& a : argv) {
        args.push_back(a.data());
        lens.push_back(a.size());
    }
    auto* r =
        static_cast<redisReply*>(redisCommandArgv(c, int(args.size()), args.data(), lens.data()));
    if (!r) {
        std::fprintf(stderr, "connection error: %s\n", c->errstr);
        std::exit(1);
    }
    if (r->type == REDIS_REPLY_ERROR && std::strncmp(r->str, "BUSYGROUP", 9) != 0) {
        std::fprintf(stderr, "error: %s\n", r->str);
        std::exit(1);
    }
    return r;
}

void took(const char* data, size_t len, const char* id = nullptr)
{
    static const char hex[] = "0123456789abcdef";
    std::string line = "TOOK ";
    for (size_t i = 0; i < len; ++i) {
        const auto u = static_cast<unsigned char>(data[i]);
        line += hex[u >> 4];
        line += hex[u & 15];
    }
    if (id) {
        line += ' ';
        line += id;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}
} // namespace

int main(int argc, char** argv)
{
    if (argc < 6) {
        std::fprintf(stderr,
                     "usage: rq_worker_helper <host> <port> <name> <mode> <queue> [group]\n");
        return 2;
    }
    const std::string name = argv[3];
    const std::string mode = argv[4];
    const std::string queue = argv[5];
    const std::string group = argc > 6 ? argv[6] : "g";
    redisContext* c = redisConnect(argv[1], std::atoi(argv[2]));
    if (!c || c->err) {
        std::fprintf(stderr, "cannot connect\n");
        return 1;
    }
    freeReplyObject(command(c, {"CLIENT", "SETNAME", name}));
    if (mode == "stream")
        freeReplyObject(command(c, {"XGROUP", "CREATE", queue, group, "$", "MKSTREAM"}));
    std::fputs("READY\n", stdout);
    std::fflush(stdout);
    const std::string processing = queue + ":processing:" + name;
    const char* delayEnv = std::getenv("RQ_WORKER_ACK_DELAY_MS");
    const auto ackDelay = std::chrono::milliseconds(delayEnv ? std::atoi(delayEnv) : 0);
    for (;;) {
        if (mode == "brpop") {
            redisReply* r = command(c, {"BRPOP", queue, "1"});
            if (r->type == REDIS_REPLY_ARRAY && r->elements == 2)
                took(r->element[1]->str, r->element[1]->len);
            freeReplyObject(r);
        } else if (mode == "reliable") {
            redisReply* r = command(c, {"BLMOVE", queue, processing, "RIGHT", "LEFT", "1"});
            if (r->type == REDIS_REPLY_STRING) {
                took(r->str, r->len);
                const std::string payload(r->str, r->len);
                std::this_thread::sleep_for(ackDelay);
                freeReplyObject(command(c, {"LREM", processing, "1", payload}));
            }
            freeReplyObject(r);
        } else if (mode == "stream") {
            redisReply* r = command(c, {"XREADGROUP", "GROUP", group, name, "COUNT", "10", "BLOCK",
                                        "1000", "STREAMS", queue, ">"});
            if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
                redisReply* entries = r->element[0]->element[1];
                for (size_t i = 0; i < entries->elements; ++i) {
                    redisReply* e = entries->element[i];
                    const std::string id(e->element[0]->str, e->element[0]->len);
                    redisReply* fields = e->element[1];
                    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
                        if (std::strcmp(fields->element[f]->str, "message") == 0)
                            took(fields->element[f + 1]->str, fields->element[f + 1]->len,
                                 id.c_str());
                    }
                    std::this_thread::sleep_for(ackDelay);
                    freeReplyObject(command(c, {"XACK", queue, group, id}));
                }
            }
            freeReplyObject(r);
        } else {
            std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
            return 2;
        }
    }
}
