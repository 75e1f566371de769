DROP TABLE saved_layouts;
