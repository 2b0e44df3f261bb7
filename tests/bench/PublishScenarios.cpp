// publish-list and publish-pubsub: the product's Publisher sends N messages in one burst.
#include "Scenarios.h"

namespace rqc::bench {

bool runPublishList(const Options&, Result* r) {
    r->name = QStringLiteral("publish-list");
    r->extra.insert(QStringLiteral("error"), QStringLiteral("Publisher not implemented yet"));
    return false;
}

bool runPublishPubSub(const Options&, Result* r) {
    r->name = QStringLiteral("publish-pubsub");
    r->extra.insert(QStringLiteral("error"), QStringLiteral("Publisher not implemented yet"));
    return false;
}

} // namespace rqc::bench
