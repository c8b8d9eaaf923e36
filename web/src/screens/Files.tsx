// The Files screen (being built).
export default function FilesScreen() {
  return <section data-screen="files" />;
}
