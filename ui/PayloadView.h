#pragma once

#include "Message.h"
#include "PayloadDecoder.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace rqc {

// One message's payload, read-only, three ways: Text, JSON (pretty; the tab is disabled when the
// payload does not parse and chosen automatically when it holds an object or array) and Hex.
// A one-line header above says where it came from, its size, time and sequence number.
//
// Object names for tests: "payloadView", "payloadHeader", "payloadTabs", "payloadText",
// "payloadJson", "payloadHex", "payloadDecoded". A fourth tab, Decoded, shows the payload as the
// pane's decoder reads it (MessagePack, gzip'd JSON, a pickle's disassembly… or where and why it
// does not decode); it is chosen automatically when Auto finds more than text or JSON, and always
// when a fixed decoder is set. Payloads up to EagerBytes fill all three tabs at once; larger ones
// fill the visible tab and the others when first shown, so selecting a 50 MiB message does not
// build three huge documents.
class PayloadView : public QWidget {
    Q_OBJECT

public:
    enum Tab { TextTab, JsonTab, HexTab, DecodedTab };
    static constexpr int EagerBytes = 256 * 1024;
    static constexpr int MaxTextBytes = 1 << 20;  // Text tab shows at most this much
    static constexpr int MaxJsonBytes = 16 << 20; // larger payloads are not parsed

    explicit PayloadView(QWidget* parent = nullptr);

    void showMessage(const rqc::Message& m);
    // Reads the shown message again with the new decoder.
    void setDecoder(PayloadDecoder::Kind kind);
    PayloadDecoder::Kind decoder() const { return m_decoder; }
    void clear();

    bool hasMessage() const { return m_hasMessage; }
    const Message& message() const { return m_message; }
    QTabWidget* tabs() const { return m_tabs; }
    // An observe take row's journey: "pushed by P → taken by C (inferred) after N ms → acked
    // after M ms"; empty for other rows.
    static QString journeyText(const Observation& o);

private:
    void fillTab(int index);
    void setTextWrap();
    QString headerText() const;

    QLabel* m_header = nullptr;
    QTabWidget* m_tabs = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QPlainTextEdit* m_json = nullptr;
    QPlainTextEdit* m_hex = nullptr;
    QPlainTextEdit* m_decoded = nullptr;

    Message m_message;
    bool m_hasMessage = false;
    bool m_jsonOk = false;
    QString m_jsonText;
    bool m_filled[4] = {false, false, false, false};
    PayloadDecoder::Kind m_decoder = PayloadDecoder::Kind::Auto;
    PayloadDecoder::Result m_decodedResult;
};

} // namespace rqc
