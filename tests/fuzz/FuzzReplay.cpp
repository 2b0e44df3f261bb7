// Replays the libFuzzer targets' inputs in the plain build (tests/fuzz/CMakeLists.txt):
//
//   rq_fuzz_replay NAME PATH...     every file under each PATH (a folder or a file), in name order
//
// Each file goes once through the target's LLVMFuzzerTestOneInput (renamed rqFuzzOne_NAME at
// compile time, so that all targets share one executable), after its LLVMFuzzerInitialize if it
// has one. A crash or a broken property aborts (RQ_FUZZ_CHECK), which fails the ctest test; the
// file being replayed is printed first, so the output names the input. Exits 1 when a PATH is
// missing or holds no file: a corpus that vanished is a failure, not a pass.
#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

extern "C" int rqFuzzOne_resp(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_resp(int*, char***);
extern "C" int rqFuzzOne_url(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_url(int*, char***);
extern "C" int rqFuzzOne_spec(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_spec(int*, char***);
extern "C" int rqFuzzOne_payload(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_payload(int*, char***);
extern "C" int rqFuzzOne_recording(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_recording(int*, char***);
extern "C" int rqFuzzOne_monitor(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_monitor(int*, char***);
extern "C" int rqFuzzOne_msgpack(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_msgpack(int*, char***);
extern "C" int rqFuzzOne_protobuf(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_protobuf(int*, char***);
extern "C" int rqFuzzOne_pickle(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_pickle(int*, char***);
extern "C" int rqFuzzOne_compressed(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_compressed(int*, char***);
extern "C" int rqFuzzOne_decode(const uint8_t*, size_t);
extern "C" __attribute__((weak)) int rqFuzzInit_decode(int*, char***);

namespace {

struct Target {
    const char* name;
    int (*one)(const uint8_t*, size_t);
    int (*init)(int*, char***); // null when the target has no LLVMFuzzerInitialize
};

const Target kTargets[] = {
    {"resp", rqFuzzOne_resp, rqFuzzInit_resp},
    {"url", rqFuzzOne_url, rqFuzzInit_url},
    {"spec", rqFuzzOne_spec, rqFuzzInit_spec},
    {"payload", rqFuzzOne_payload, rqFuzzInit_payload},
    {"recording", rqFuzzOne_recording, rqFuzzInit_recording},
    {"monitor", rqFuzzOne_monitor, rqFuzzInit_monitor},
    {"msgpack", rqFuzzOne_msgpack, rqFuzzInit_msgpack},
    {"protobuf", rqFuzzOne_protobuf, rqFuzzInit_protobuf},
    {"pickle", rqFuzzOne_pickle, rqFuzzInit_pickle},
    {"compressed", rqFuzzOne_compressed, rqFuzzInit_compressed},
    {"decode", rqFuzzOne_decode, rqFuzzInit_decode},
};

QStringList filesUnder(const QString& path)
{
    const QFileInfo info(path);
    if (info.isFile())
        return {path};
    QStringList files;
    QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s TARGET PATH...\n", argv[0]);
        return 2;
    }
    const Target* target = nullptr;
    for (const Target& t : kTargets) {
        if (std::strcmp(t.name, argv[1]) == 0)
            target = &t;
    }
    if (!target) {
        std::fprintf(stderr, "rq_fuzz_replay: no target %s\n", argv[1]);
        return 2;
    }
    if (target->init)
        target->init(&argc, &argv);
    int files = 0;
    for (int i = 2; i < argc; ++i) {
        const QStringList list = filesUnder(QString::fromLocal8Bit(argv[i]));
        if (list.isEmpty()) {
            std::fprintf(stderr, "rq_fuzz_replay: no input in %s\n", argv[i]);
            return 1;
        }
        for (const QString& path : list) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "rq_fuzz_replay: cannot read %s\n", qPrintable(path));
                return 1;
            }
            const QByteArray bytes = file.readAll();
            std::fprintf(stderr, "%s: %s (%lld bytes)\n", target->name, qPrintable(path),
                         static_cast<long long>(bytes.size()));
            target->one(reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size()));
            ++files;
        }
    }
    std::printf("%s: %d input(s) replayed, no crash, every property held\n", target->name, files);
    return 0;
}
