// The Memory screen (being built).
export default function MemoryScreen() {
  return <section data-screen="memory" />;
}
