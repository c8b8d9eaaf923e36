// The Chat screen (being built).
export default function ChatScreen() {
  return <section data-screen="chat" />;
}
