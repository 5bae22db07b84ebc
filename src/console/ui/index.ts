/* The console's parts, one file each kind; pages import them from "../ui". */
export { ConfirmForm, RowAction } from "./actions";
export { Choice, DateTimeField, Field, anyOf, describedBy } from "./fields";
export { FilterForm } from "./filters";
export { Csrf, Layout, type Ui } from "./layout";
export { activityHref, groupHref, resourceHref, userHref } from "./links";
export { CursorPager, Pager, href } from "./pager";
export { SOURCE_OPTIONS, SourceBadge, StatusBadge, UserCells, sourceLabel } from "./resources";
export { type Column, DataTable } from "./table";
export { CopyField, Empty, Notice, Time, counted } from "./text";
