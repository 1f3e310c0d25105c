-- The databases of the demo pipeline (the embedded stack creates the same ones): source, warehouse, serving.
CREATE DATABASE bank;
CREATE DATABASE warehouse;
CREATE DATABASE serving;
