#pragma once

class QToolButton;

namespace rqc {

class SendBox;

// The entry box's "More" menu: send a file (whole or by line), replay a recording, and the
// named snippets kept in the settings (save the text as one, insert one, delete one).
class SendTools {
public:
    static QToolButton* makeButton(SendBox* box);
};

} // namespace rqc
