DROP TABLE registration_documents;
