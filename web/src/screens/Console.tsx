// The Console screen (being built).
export default function ConsoleScreen() {
  return <section data-screen="console" />;
}
