/** The Share dialog lives in ./share-dialog/ in parts: people, general access, who has access. */
export { ShareDialog } from './share-dialog/share-dialog.tsx';
