// An id that names nothing in the trash (never there, already restored, or emptied).
export class TrashItemNotFoundError extends Error {
  readonly code = 'trash_item_not_found';
  constructor(id: string) {
    super(`nothing in the trash has the id ${id}: see GET /api/files/trash for what is there`);
    this.name = 'TrashItemNotFoundError';
  }
}
